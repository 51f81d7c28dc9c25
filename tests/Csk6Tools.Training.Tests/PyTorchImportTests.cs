using System.Collections;
using Csk6Tools.Engine;
using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Csk6Tools.Training.Tests;

/// <summary>State_dicts pickled as torch.save writes them (by TorchSharp.PyBridge here; by PyTorch in the Pester round
/// trip) come back as Float models.</summary>
public class PyTorchImportTests
{
    [Fact]
    public void PickledStateDictWithDdpPrefixImports()
    {
        var graph = TestData.SmallResidual();
        var model = PyTorchExportTests.WithWeights(graph);
        string path = Path.Combine(Path.GetTempPath(), $"csk6-{Guid.NewGuid():N}.pt");
        try
        {
            using (var scope = NewDisposeScope())
            {
                var state = new Hashtable();
                foreach (var (name, w) in model.Weights)
                    state["module." + name] = tensor(w.Data, w.Shape.Select(d => (long)d).ToArray());
                foreach (var bn in graph.Nodes.OfType<BatchNorm2dNode>())
                    state[$"module.{bn.Name}.num_batches_tracked"] = tensor(12L);
                PyTorchPickler.PickleStateDict(path, state);
            }
            var back = PyTorchWeights.Import(path, graph);
            Assert.Equal(ModelStage.Float, back.Stage);
            Assert.Equal(StateDict.Entries(graph).Select(e => e.Name), back.Weights.Keys);
            foreach (var (name, w) in model.Weights)
            {
                Assert.Equal(w.Shape, back.Weights[name].Shape);
                Assert.Equal(w.Data, back.Weights[name].Data);
            }
            Assert.Equal(PyTorchExportTests.Logits(model, PyTorchExportTests.Input(graph.InputShape, 2, 1), 2),
                         PyTorchExportTests.Logits(back, PyTorchExportTests.Input(graph.InputShape, 2, 1), 2));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FilesThatAreNoStateDictAreRefused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"csk6-{Guid.NewGuid():N}.pt");
        try
        {
            File.WriteAllBytes(path, [0x50, 0x4B, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8]);
            var e = Assert.Throws<StateDictException>(() => PyTorchWeights.Import(path, TestData.SmallResidual()));
            Assert.Equal(ErrorIds.StateDictUnreadable, e.ErrorId);
            Assert.Contains("is not a PyTorch state_dict that torch.save wrote", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
