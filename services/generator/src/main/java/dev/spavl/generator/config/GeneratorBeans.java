package dev.spavl.generator.config;

import dev.spavl.generator.intake.ImageFetcher;
import dev.spavl.generator.intake.ImageInspector;
import dev.spavl.generator.intake.ImageLimits;
import dev.spavl.generator.intake.UrlPolicy;
import dev.spavl.generator.prompt.ModelPromptWriter;
import dev.spavl.generator.prompt.PromptWriter;
import dev.spavl.generator.prompt.TemplatePromptWriter;
import dev.spavl.generator.source.InputRoots;
import dev.spavl.generator.source.ManifestLimits;
import dev.spavl.generator.source.SourceReader;
import dev.spavl.taxonomy.Taxonomy;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;

/** Builds the generator's plain-Java parts from its configuration. */
public class GeneratorBeans {

    private static final Logger LOG = Logger.getLogger(GeneratorBeans.class);

    @Produces
    @Singleton
    InputRoots inputRoots(GeneratorConfig config) {
        InputRoots roots = new InputRoots(config.inputRoots().stream().map(Path::of).toList());
        LOG.infof("local input accepted only under %s", roots.roots());
        return roots;
    }

    @Produces
    @Singleton
    SourceReader sourceReader(GeneratorConfig config, InputRoots roots) {
        GeneratorConfig.Manifest m = config.manifest();
        return new SourceReader(roots, new ManifestLimits(m.maxCaptionLength(), m.maxDescriptionLength(), m.maxUrlLength(),
                m.maxPathLength(), m.maxClassLength(), m.maxRowBytes(), m.maxLineBytes(), m.maxFileBytes(), m.maxRows()));
    }

    @Produces
    @Singleton
    ImageFetcher imageFetcher(GeneratorConfig config, InputRoots roots) {
        return new ImageFetcher(roots, new UrlPolicy(config.allowPrivateUrls()), config.images().maxBytes(), config.urlTimeout());
    }

    @Produces
    @Singleton
    ImageInspector imageInspector(GeneratorConfig config) {
        GeneratorConfig.Images i = config.images();
        return new ImageInspector(new ImageLimits(i.maxBytes(), i.maxPixels(), i.minWidth(), i.minHeight(), i.maxDecodedBytes()));
    }

    @Produces
    @Singleton
    Taxonomy taxonomy(GeneratorConfig config) {
        Taxonomy t = config.taxonomy().path()
                .map(p -> config.taxonomy().keywordsPath()
                        .map(k -> Taxonomy.load(Path.of(p), Path.of(k)))
                        .orElseGet(() -> Taxonomy.load(Path.of(p))))
                .orElseGet(Taxonomy::bundled);
        LOG.infof("taxonomy %s: %d subcategories", t.source(), t.leaves().size());
        return t;
    }

    @Produces
    @Singleton
    PromptWriter promptWriter(GeneratorConfig config, Vertx vertx) {
        GeneratorConfig.Writer w = config.writer();
        if ("template".equals(w.provider())) {
            LOG.info("prompts are written by the offline template writer: every question is marked simulated");
            return new TemplatePromptWriter();
        }
        return ModelPromptWriter.create(vertx, w);
    }
}
