package dev.spavl.packager.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A pair sent to the judge, and its verdict once it came back. */
@Entity
@Table(name = "pairs")
public class PairEntity extends PanacheEntityBase {
    @Id
    @Column(name = "pair_id")
    public String pairId;
    @Column(name = "question_id", nullable = false)
    public String questionId;
    public int attempt;
    @Column(name = "model_a", nullable = false)
    public String modelA;
    @Column(name = "model_b", nullable = false)
    public String modelB;
    @Column(name = "group_a")
    public int groupA;
    @Column(name = "group_b")
    public int groupB;
    public String outcome;
    public String reason1;
    public String reason2;
    public String judge;
    @Column(name = "tokens_in")
    public Integer tokensIn;
    @Column(name = "tokens_out")
    public Integer tokensOut;
    public Boolean simulated;
    public boolean published;
    @Column(name = "proposed_at", nullable = false)
    public Instant proposedAt;
    @Column(name = "judged_at")
    public Instant judgedAt;
}
