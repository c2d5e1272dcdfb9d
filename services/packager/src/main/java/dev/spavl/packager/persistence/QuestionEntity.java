package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** A question and where it stands: WAITING, JUDGING, RESOLVED, UNRESOLVED, or CANCELLED (its run was cancelled). */
@Entity
@Table(name = "questions")
public class QuestionEntity extends PanacheEntityBase {

    public enum State { WAITING, JUDGING, RESOLVED, UNRESOLVED, CANCELLED }

    @Id
    @Column(name = "question_id")
    public String questionId;
    @Column(name = "run_id", nullable = false)
    public String runId;
    @Column(name = "image_id", nullable = false)
    public String imageId;
    @Column(name = "image_uri", nullable = false)
    public String imageUri;
    @Column(name = "image_sha256", nullable = false)
    public String imageSha256;
    @Column(name = "question_type", nullable = false)
    public String questionType;
    @Column(nullable = false)
    public String text;
    @Column(nullable = false)
    public String class1;
    @Column(nullable = false)
    public String class2;
    @Column(nullable = false)
    public String class3;
    /** Comma-separated model ids the question was sent to. */
    @Column(name = "expected_responders", nullable = false)
    public String expectedResponders;
    public boolean simulated;
    /** The writer of the text: the generator's offline template writer or a model id. */
    @Column(name = "generator_model")
    public String generatorModel;
    /** The split the input pinned the question's image to (DatasetSplit), null when the split weights decide. */
    @Column(name = "pinned_split")
    public String pinnedSplit;
    @Column(nullable = false)
    public String state;
    @Column(name = "pair_attempts")
    public int pairAttempts;
    @Column(name = "unresolved_reason")
    public String unresolvedReason;
    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;
    @Column(name = "closed_at")
    public Instant closedAt;

    public List<String> expected() {
        return expected(expectedResponders);
    }

    /** The models a question went to, from its stored expected_responders column. */
    public static List<String> expected(String expectedResponders) {
        return expectedResponders.isBlank() ? List.of() : Arrays.asList(expectedResponders.split(","));
    }

    public boolean is(State s) {
        return s.name().equals(state);
    }
}
