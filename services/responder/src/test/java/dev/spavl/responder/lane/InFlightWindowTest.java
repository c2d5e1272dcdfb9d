package dev.spavl.responder.lane;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InFlightWindowTest {

    private final TopicPartition p0 = new TopicPartition("spavl.requests.otter", 0);
    private final TopicPartition p1 = new TopicPartition("spavl.requests.otter", 1);

    @Test
    void commitsStopAtTheOldestUnfinishedRequestWhateverOrderTheyFinishIn() {
        InFlightWindow window = new InFlightWindow();
        window.started(p0, 10);
        window.started(p0, 11);
        window.started(p0, 12);
        window.finished(p0, 12);
        window.finished(p0, 10);
        assertEquals(11, window.safeOffset(p0, 13), "11 is not answered yet: a crash must deliver it again");
        window.finished(p0, 11);
        assertEquals(13, window.safeOffset(p0, 13), "all answered: up to the consumer's position");
        assertTrue(window.isEmpty());
    }

    @Test
    void partitionsAreIndependentAndCountedTogether() {
        InFlightWindow window = new InFlightWindow();
        window.started(p0, 5);
        window.started(p1, 7);
        window.started(p1, 7); // the same record twice counts once
        assertEquals(2, window.size());
        assertEquals(5, window.safeOffset(p0, 9));
        assertEquals(7, window.safeOffset(p1, 8));
        assertTrue(window.anyInFlight(List.of(p1)));
        window.forget(p1);
        assertFalse(window.anyInFlight(List.of(p1)));
        assertEquals(1, window.size());
        window.finished(p1, 7); // a late note for a revoked partition changes nothing
        assertEquals(1, window.size());
    }

    @Test
    void aFailedRequestIsNeverFinishedSoNoCommitPassesIt() {
        InFlightWindow window = new InFlightWindow();
        window.started(p0, 3);
        window.started(p0, 4);
        window.finished(p0, 4); // 3 failed: the lane never marks it finished
        assertEquals(3, window.safeOffset(p0, 5));
    }
}
