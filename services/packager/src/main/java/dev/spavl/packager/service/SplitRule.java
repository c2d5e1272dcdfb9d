package dev.spavl.packager.service;

import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.pairing.SplitAssigner;

/** The configured split weights and seed: one rule for images and quadruples. */
record SplitRule(SplitAssigner assigner, long seed) {

    static SplitRule of(PackagerConfig config) {
        return new SplitRule(SplitAssigner.parse(config.splits()), config.splitSeed());
    }

    /** The DatasetSplit symbol of the image's split. */
    String splitOf(String imageId) {
        return assigner.assign(imageId, seed).name();
    }
}
