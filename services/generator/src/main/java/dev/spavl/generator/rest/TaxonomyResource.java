package dev.spavl.generator.rest;

import dev.spavl.taxonomy.Taxonomy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The active taxonomy: class1 -> class2 -> class3 with provenance, and where it was loaded from. */
@Path("/api/taxonomy")
@Produces(MediaType.APPLICATION_JSON)
public class TaxonomyResource {

    public record View(String source, int domains, int categories, int subcategories, List<DomainView> tree) {
    }

    public record DomainView(String class1, List<CategoryView> categories) {
    }

    public record CategoryView(String class2, List<LeafView> subcategories) {
    }

    public record LeafView(String class3, String provenance, String provenanceDetail, List<String> keywords) {
    }

    private final View view;

    public TaxonomyResource(Taxonomy taxonomy) {
        List<DomainView> tree = taxonomy.tree().stream().map(d -> new DomainView(d.name(), d.categories().stream()
                .map(c -> new CategoryView(c.name(), c.leaves().stream()
                        .map(l -> new LeafView(l.class3(), l.provenance().name().toLowerCase(java.util.Locale.ROOT),
                                taxonomy.provenanceText(l), l.keywords()))
                        .toList()))
                .toList())).toList();
        int categories = tree.stream().mapToInt(d -> d.categories().size()).sum();
        view = new View(taxonomy.source(), tree.size(), categories, taxonomy.leaves().size(), tree);
    }

    @GET
    public View get() {
        return view;
    }
}
