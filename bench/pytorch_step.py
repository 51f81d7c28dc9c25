"""PyTorch's step time on the same graph: reads a Csk6Tools graph (ModelGraph.ToJson) and trains it on a batch of
random images, SGD with momentum and weight decay. Mode "float" trains the graph as it is; mode "qat" trains a
BN-folded graph with the same fake quantization as Invoke-QuantTraining (power-of-two per-tensor exponents,
floor(x * 2^Q + 0.5), int8 saturation, +-8 clamp, fused ReLU, the iqAdd exponent rule, straight-through gradients),
written as a PyTorch user would write it. Prints milliseconds per step.
Usage: python3 pytorch_step.py graph.json threads steps batch [float|qat]"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def exponent(max_abs, rounding=math.floor):
    return rounding(math.log2(127 / max_abs)) if max_abs > 0 else 8


def fake_quant(x, q, low=-128):
    """sat8(floor(x * 2^q + 0.5)) / 2^q, in the forward only."""
    return torch.clamp(torch.floor(x * 2.0 ** q + 0.5), low, 127) / 2.0 ** q


def straight_through(value, path):
    return path + (value - path).detach()


class GraphNet(nn.Module):
    def __init__(self, graph, qat):
        super().__init__()
        self.nodes, self.outputs, self.qat = graph["nodes"], graph["outputs"], qat
        self.consumers = {n["name"]: [m for m in self.nodes if n["name"] in m.get("inputs", [])] for n in self.nodes}
        self.layers = nn.ModuleDict()
        for n in self.nodes:
            key, op = n["name"].replace(".", "_"), n["op"]
            if op == "Conv2d":
                top, left, bottom, right = n.get("pads", [0, 0, 0, 0])
                assert top == bottom and left == right, "asymmetric pads"
                self.layers[key] = nn.Conv2d(n["inChannels"], n["outChannels"], n["kernel"], n.get("stride", [1, 1]), (top, left),
                                             n.get("dilation", [1, 1]), n.get("groups", 1), n.get("bias", False))
            elif op == "BatchNorm2d":
                self.layers[key] = nn.BatchNorm2d(n["numFeatures"], n.get("eps", 1e-5), n.get("momentum", 0.1))
            elif op == "Linear":
                self.layers[key] = nn.Linear(n["inFeatures"], n["outFeatures"], n.get("bias", True))

    def fused_relu(self, name):
        after = self.consumers[name]
        return len(after) == 1 and after[0]["op"] == "ReLU" and name not in self.outputs

    def weighted(self, layer, x, qx, relu):
        w = layer.weight
        qw = exponent(w.detach().abs().max().item())
        wq = straight_through(fake_quant(w.detach(), qw), w)
        b = None
        if layer.bias is not None:
            b = straight_through(torch.floor(layer.bias.detach().double() * 2.0 ** (qx + qw) + 0.5).float() / 2.0 ** (qx + qw), layer.bias)
        y = layer._conv_forward(x, wq, b) if isinstance(layer, nn.Conv2d) else F.linear(x, wq, b)
        path = torch.clamp(y, -8, 8)
        if relu:
            path = F.relu(path)
        qo = min(exponent(path.detach().abs().max().item()), qx + qw)
        return straight_through(fake_quant(y.detach(), qo, 0 if relu else -128), path), qo

    def forward(self, x):
        first = self.nodes[0]["name"]
        exponents = {}
        if self.qat:
            exponents[first] = exponent(x.abs().max().item())
            x = fake_quant(x, exponents[first])
        values = {first: x}
        for n in self.nodes[1:]:
            ins, op, name = [values[i] for i in n["inputs"]], n["op"], n["name"]
            q = exponents.get(n["inputs"][0]) if self.qat else None
            if op in ("Conv2d", "Linear") and self.qat:
                y, q = self.weighted(self.layers[name.replace(".", "_")], ins[0], q, self.fused_relu(name))
            elif op in ("Conv2d", "BatchNorm2d", "Linear"):
                y = self.layers[name.replace(".", "_")](ins[0])
            elif op == "ReLU":
                y = F.relu(ins[0])
            elif op == "Add":
                y = ins[0] + ins[1]
                if self.qat:
                    qs = [exponents[i] for i in n["inputs"]]
                    top = max(t.detach().abs().max().item() for t in ins + [y])
                    q = min([exponent(top, lambda v: round(v))] + qs)
                    total = torch.clamp(fake_quant(ins[0].detach(), q) + fake_quant(ins[1].detach(), q), -128 / 2.0 ** q, 127 / 2.0 ** q)
                    y = straight_through(total, y)
            elif op == "GlobalAvgPool":
                y = ins[0].mean((2, 3), keepdim=True)
                if self.qat:
                    y = straight_through(fake_quant(y.detach(), q), y)
            elif op == "Flatten":
                y = ins[0].flatten(1)
            else:
                raise NotImplementedError(op)
            values[name] = y
            if self.qat:
                exponents[name] = q
        return values[self.outputs[0]]


def main():
    graph_path, threads, steps, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    qat = len(sys.argv) > 5 and sys.argv[5] == "qat"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    graph = json.load(open(graph_path, encoding="utf-8-sig"))
    net = GraphNet(graph, qat).train()
    c, h, w = graph["nodes"][0]["shape"]
    classes = graph["nodes"][-1]["outFeatures"]
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(batch, c, h, w), torch.randint(0, classes, (batch,))
    times = []
    for i in range(steps + 2):
        start = time.perf_counter()
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if qat:
            with torch.no_grad():
                for m in net.modules():
                    if isinstance(m, (nn.Conv2d, nn.Linear)):
                        m.weight.clamp_(-8, 8)
        if i >= 2:
            times.append(time.perf_counter() - start)
    print(f"{1000 * sum(times) / len(times):.1f}")


main()
