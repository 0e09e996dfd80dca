package dev.pix2pix.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The counting rules on a hand-written trace in the profiler's format (times in microseconds). */
class OpCounterTest {
    private final ObjectMapper json = new ObjectMapper();
    private final ArrayNode events = json.createArrayNode();

    private void op(String name, double ts, double dur, int tid) {
        ObjectNode e = events.addObject();
        e.put("ph", "X").put("cat", "cpu_op").put("name", name).put("ts", ts).put("dur", dur).put("tid", tid);
    }

    @Test
    void countsTopLevelAllAndInnermostCompute() {
        // a convolution: wrappers around one kernel, which allocates its output
        op("aten::conv2d", 0, 10, 1);
        op("aten::convolution", 1, 8, 1);
        op("aten::_convolution", 2, 6, 1);
        op("aten::mkldnn_convolution", 3, 4, 1);
        op("aten::empty", 4, 1, 1);
        // a view: dispatch time, no kernel
        op("aten::reshape", 20, 2, 1);
        op("aten::view", 20.5, 1, 1);
        // zeroing: the fill inside is the kernel
        op("aten::zero_", 30, 3, 1);
        op("aten::fill_", 31, 1, 1);
        // autograd, on its own thread: a wrapper around an add
        op("autograd::engine::evaluate_function: torch::autograd::AccumulateGrad", 40, 5, 2);
        op("torch::autograd::AccumulateGrad", 41, 3, 2);
        op("aten::add_", 42, 1, 2);
        op("autograd::engine::evaluate_function: ViewBackward0", 50, 3, 2);
        op("aten::reshape", 51, 1, 2);
        // a multi-tensor op counts once, whatever it calls per tensor on a CPU
        op("aten::_foreach_add_", 60, 10, 1);
        op("aten::add_", 61, 1, 1);
        op("aten::add_", 63, 1, 1);
        op("aten::add_", 65, 1, 1);
        ObjectNode root = json.createObjectNode();
        root.set("traceEvents", events);

        OpCounter.Counts c = OpCounter.fromTrace(root);
        assertEquals(6, c.topLevel(), "conv2d, reshape, zero_, two autograd functions, _foreach_add_");
        assertEquals(events.size(), c.all());
        assertEquals(4, c.compute(), "mkldnn_convolution, fill_, add_ (accumulation), _foreach_add_");
    }
}
