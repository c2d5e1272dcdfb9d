package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An image from spavl.images with the split it belongs to (decided by the image alone). */
@Entity
@Table(name = "images")
public class ImageEntity extends PanacheEntityBase {
    @Id
    @Column(name = "image_id")
    public String imageId;
    @Column(name = "run_id", nullable = false)
    public String runId;
    @Column(name = "blob_uri", nullable = false)
    public String blobUri;
    @Column(nullable = false)
    public String sha256;
    @Column(nullable = false)
    public String mime;
    public int width;
    public int height;
    @Column(name = "image_name", nullable = false)
    public String imageName;
    public String caption;
    /** The detailed description the question writer used (SPA-VL's gemini_caption). */
    public String description;
    /** Where the image came from in the input: a manifest path or a URL. */
    @Column(name = "source_ref")
    public String sourceRef;
    @Column(nullable = false)
    public String class1;
    @Column(nullable = false)
    public String class2;
    @Column(nullable = false)
    public String class3;
    @Column(nullable = false)
    public String split;
}
