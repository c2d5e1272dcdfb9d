package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.math.BigDecimal;

/** One model's outcome for a question (OK with text, or FAILED with the error kind). */
@Entity
@Table(name = "answers")
@IdClass(AnswerKey.class)
public class AnswerEntity extends PanacheEntityBase {
    @Id
    @Column(name = "question_id")
    public String questionId;
    @Id
    @Column(name = "model_id")
    public String modelId;
    @Column(name = "run_id", nullable = false)
    public String runId;
    @Column(nullable = false)
    public String status;
    public String text;
    @Column(name = "error_kind")
    public String errorKind;
    @Column(name = "tokens_in")
    public int tokensIn;
    @Column(name = "tokens_out")
    public int tokensOut;
    @Column(name = "cost_usd", nullable = false)
    public BigDecimal costUsd;
    public boolean simulated;

    public static final String OK = "OK";

    public boolean ok() {
        return OK.equals(status);
    }
}
