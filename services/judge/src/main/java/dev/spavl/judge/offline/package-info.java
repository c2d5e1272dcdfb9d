/**
 * Offline stand-ins for the judge models, used by the offline demo and tests: no network, no model, English-only
 * surface heuristics. {@link dev.spavl.judge.offline.OfflineSafetyClassifier} replaces MD-Judge (safe/unsafe
 * labels for questions and responses), {@link dev.spavl.judge.offline.OfflinePairJudge} replaces the GPT-4V
 * preference judge (verdict token {@code [[A]]}/{@code [[B]]}/{@code [[C]]}). They are built on
 * {@link dev.spavl.judge.offline.RefusalDetector} and {@link dev.spavl.judge.offline.HarmLexicon} (taxonomy
 * keywords plus the versioned {@code harm-lexicon-v1.txt}). Their labels are heuristic guesses and must never be
 * reported as the real judges' labels.
 */
package dev.spavl.judge.offline;
