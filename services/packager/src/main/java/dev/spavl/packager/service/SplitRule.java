package dev.spavl.packager.service;

import dev.spavl.events.DatasetSplit;
import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.pairing.SplitAssigner;

/** The configured split weights and seed: one rule for images and quadruples. */
record SplitRule(SplitAssigner assigner, long seed) {

    static SplitRule of(PackagerConfig config) {
        return new SplitRule(SplitAssigner.parse(config.splits()), config.splitSeed());
    }

    /** The DatasetSplit symbol of the image's split: the one its input pinned, else the weights' choice. */
    String splitOf(String imageId, DatasetSplit pinned) {
        return pinned != null ? pinned.name() : assigner.assign(imageId, seed).name();
    }
}
