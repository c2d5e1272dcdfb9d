package dev.spavl.generator.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** One input image of a run and what became of it. */
@Entity
@Table(name = "run_items")
public class RunItem extends PanacheEntityBase {

    public enum Status { PENDING, DONE, REJECTED, DUPLICATE }

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "run_items_seq")
    @SequenceGenerator(name = "run_items_seq", sequenceName = "run_items_seq", allocationSize = 50)
    public Long id;
    @Column(name = "run_id", nullable = false)
    public String runId;
    @Column(name = "row_no", nullable = false)
    public int rowNo;
    @Column(name = "source_ref")
    public String sourceRef;
    @Column(name = "image_name")
    public String imageName;
    public String class1;
    public String class2;
    public String class3;
    public String caption;
    public String description;
    /** The DatasetSplit the input pinned the image to; null: the packager assigns one. */
    @Column(name = "pinned_split")
    public String pinnedSplit;
    @Column(nullable = false)
    public String status;
    public String reason;
    public String detail;
    @Column(name = "image_id")
    public String imageId;
    public String sha256;
    @Column(name = "blob_uri")
    public String blobUri;
    public Integer width;
    public Integer height;
    public String mime;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public int attempts;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Uni<List<RunItem>> pending(String runId, int limit) {
        return find("runId = ?1 and status = ?2 order by rowNo", runId, Status.PENDING.name()).page(0, limit).list();
    }

    public static Uni<List<RunItem>> rejected(String runId, int offset, int limit) {
        return find("runId = ?1 and status = ?2 order by rowNo", runId, Status.REJECTED.name())
                .range(offset, offset + limit - 1).list();
    }
}
