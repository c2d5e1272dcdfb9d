package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A safety label of a question (model_id "") or of one model's answer. */
@Entity
@Table(name = "labels")
@IdClass(AnswerKey.class)
public class LabelEntity extends PanacheEntityBase {
    public static final String QUESTION = "";

    @Id
    @Column(name = "question_id")
    public String questionId;
    @Id
    @Column(name = "model_id")
    public String modelId;
    public boolean safe;
    public double score;
    @Column(name = "harm_category")
    public String harmCategory;
    @Column(nullable = false)
    public String judge;
    public boolean simulated;
}
