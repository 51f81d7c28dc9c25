"""PyTorch's step time on the same graph: reads a Csk6Tools graph (ModelGraph.ToJson) and trains it float,
batch of random images, SGD with momentum and weight decay. Prints milliseconds per step.
Usage: python3 pytorch_step.py graph.json threads steps batch"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class GraphNet(nn.Module):
    def __init__(self, graph):
        super().__init__()
        self.nodes, self.outputs = graph["nodes"], graph["outputs"]
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

    def forward(self, x):
        values = {self.nodes[0]["name"]: x}
        for n in self.nodes[1:]:
            ins, op = [values[i] for i in n["inputs"]], n["op"]
            if op in ("Conv2d", "BatchNorm2d", "Linear"):
                y = self.layers[n["name"].replace(".", "_")](ins[0])
            elif op == "ReLU":
                y = F.relu(ins[0])
            elif op == "Add":
                y = ins[0] + ins[1]
            elif op == "GlobalAvgPool":
                y = ins[0].mean((2, 3), keepdim=True)
            elif op == "Flatten":
                y = ins[0].flatten(1)
            else:
                raise NotImplementedError(op)
            values[n["name"]] = y
        return values[self.outputs[0]]


def main():
    graph_path, threads, steps, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    graph = json.load(open(graph_path, encoding="utf-8-sig"))
    net = GraphNet(graph).train()
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
        if i >= 2:
            times.append(time.perf_counter() - start)
    print(f"{1000 * sum(times) / len(times):.1f}")


main()
