package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The preference record of a resolved question: at most one per question (unique question_id). */
@Entity
@Table(name = "quadruples")
public class QuadrupleEntity extends PanacheEntityBase {
    @Id
    @Column(name = "quadruple_id")
    public String quadrupleId;
    @Column(name = "question_id", nullable = false, unique = true)
    public String questionId;
    @Column(name = "pair_id", nullable = false)
    public String pairId;
    @Column(name = "run_id", nullable = false)
    public String runId;
    @Column(name = "image_id", nullable = false)
    public String imageId;
    @Column(nullable = false)
    public String split;
    @Column(name = "chosen_model", nullable = false)
    public String chosenModel;
    @Column(name = "rejected_model", nullable = false)
    public String rejectedModel;
    public boolean published;
    @Column(name = "assembled_at", nullable = false)
    public Instant assembledAt;
}
