package dev.spavl.generator.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A question written for an image; stored before it is dispatched, so a restart re-sends the same text. */
@Entity
@Table(name = "questions")
public class QuestionRecord extends PanacheEntityBase {

    @Id
    @Column(name = "question_id")
    public String questionId;
    @Column(name = "run_id", nullable = false)
    public String runId;
    @Column(name = "image_id", nullable = false)
    public String imageId;
    @Column(nullable = false)
    public String type;
    @Column(nullable = false)
    public String text;
    @Column(name = "generator_model", nullable = false)
    public String generatorModel;
    @Column(name = "template_version", nullable = false)
    public String templateVersion;
    @Column(nullable = false)
    public boolean simulated;
    /** Comma-separated model ids the question was sent to. */
    @Column(name = "expected_responders", nullable = false)
    public String expectedResponders;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
