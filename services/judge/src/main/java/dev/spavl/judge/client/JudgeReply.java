package dev.spavl.judge.client;

/** What a judge said, raw, with the tokens it cost (0 for the offline judge). */
public record JudgeReply(String text, int tokensIn, int tokensOut) {
}
