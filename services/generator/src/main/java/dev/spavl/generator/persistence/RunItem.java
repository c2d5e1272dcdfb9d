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

    /**
     * PENDING: not processed yet; WRITTEN: image and questions stored, events not (all) acknowledged yet; DONE:
     * published; REJECTED (with a reason); DUPLICATE: the same image as an earlier row; SKIPPED: the run's image
     * limit was reached first.
     */
    public enum Status { PENDING, WRITTEN, DONE, REJECTED, DUPLICATE, SKIPPED }

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
    /** Rounds whose prompt writing failed (or that wrote the prompts). */
    public int attempts;
    /** Rounds whose publishing failed for a reason that can pass. */
    @Column(name = "publish_attempts")
    public int publishAttempts;
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
