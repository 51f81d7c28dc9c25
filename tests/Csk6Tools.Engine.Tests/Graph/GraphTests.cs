using Csk6Tools.Engine.Graph;
using Csk6Tools.Engine.Transforms;
using Csk6Tools.Engine.Zoo;

namespace Csk6Tools.Engine.Tests.Graph;

public class GraphTests
{
    [Fact]
    public void JsonRoundTripKeepsEveryNodeAndCount()
    {
        var original = DepthwiseConverter.Convert(ResNet.Create(new ResNetOptions { Depth = 50, Width = 0.5 })).Model;
        var json = original.ToJson();
        var back = ModelGraph.FromJson(json);
        Assert.Equal(original.Nodes.Count, back.Nodes.Count);
        Assert.Equal(original.Parameters, back.Parameters);
        Assert.Equal(original.DeployParameters, back.DeployParameters);
        Assert.Equal(original.Macs, back.Macs);
        Assert.Equal(original.Outputs, back.Outputs);
        for (int i = 0; i < original.Nodes.Count; i++)
        {
            Assert.Equal(original.Nodes[i].Name, back.Nodes[i].Name);
            Assert.Equal(original.Nodes[i].Op, back.Nodes[i].Op);
            Assert.Equal(original.Nodes[i].OutputShape, back.Nodes[i].OutputShape);
        }
        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"op\": \"Conv2d\"", json);
    }

    [Fact]
    public void JsonWithABadShapeIsRefusedNamingTheLayer()
    {
        var json = ResNet.Create(new ResNetOptions()).ToJson().Replace("\"inFeatures\": 512", "\"inFeatures\": 500");
        var e = Assert.Throws<GraphException>(() => ModelGraph.FromJson(json));
        Assert.Equal("fc", e.Node);
        Assert.Contains("500", e.Message);
    }

    [Fact]
    public void ForeignJsonIsRefused() =>
        Assert.Throws<GraphException>(() => ModelGraph.FromJson("{\"hello\": [1, 2]}"));

    [Fact]
    public void ShapesFollowPytorch()
    {
        var b = new GraphBuilder("shapes", new TensorShape(3, 32, 32));
        string x = b.Add(Conv2dNode.Create("c", 3, 16, 3, 2, 1), b.Input);
        Assert.Equal(new TensorShape(16, 16, 16), b.ShapeOf(x));
        x = b.Add(new MaxPool2dNode { Name = "p", Kernel = [3, 3], Stride = [2, 2], Pads = [1, 1, 1, 1] }, x);
        Assert.Equal(new TensorShape(16, 8, 8), b.ShapeOf(x));
        x = b.Add(new AvgPool2dNode { Name = "a", Kernel = [3, 3], Stride = [2, 2], CeilMode = true }, x);
        Assert.Equal(new TensorShape(16, 4, 4), b.ShapeOf(x));   // PyTorch: ceil((8 − 3)/2) + 1 = 4
        string y = b.Add(Conv2dNode.Create("c2", 16, 8, 1), x);
        string cat = b.Add(new ConcatNode { Name = "cat", Axis = 0 }, x, y);
        Assert.Equal(new TensorShape(24, 4, 4), b.ShapeOf(cat));
        string r = b.Add(new ReshapeNode { Name = "r", Shape = [-1] }, cat);
        Assert.Equal(new TensorShape(384), b.ShapeOf(r));
        b.Add(new LinearNode { Name = "fc", InFeatures = 384, OutFeatures = 10 }, r);
        var g = b.Build();
        Assert.Equal(16 * 27 + 8 * 16 + 3850, g.Parameters);
        Assert.Equal(16L * 27 * 256 + 8L * 16 * 16 + 3840, g.Macs);
    }

    [Fact]
    public void BadWiringIsRefused()
    {
        var b = new GraphBuilder("bad", new TensorShape(3, 8, 8));
        Assert.Throws<GraphException>(() => b.Add(Conv2dNode.Create("c", 4, 8, 3), b.Input));        // channels
        Assert.Throws<GraphException>(() => b.Add(new ReluNode { Name = "r" }, "nowhere"));           // unknown input
        string c = b.Add(Conv2dNode.Create("c", 3, 8, 3, padding: 1), b.Input);
        Assert.Throws<GraphException>(() => b.Add(new AddNode { Name = "add" }, c, b.Input));        // shapes
        Assert.Throws<GraphException>(() => b.Add(new ReluNode { Name = "c" }, c));                  // duplicate name
    }

    [Fact]
    public void DepthwiseWorksOnAnyGraph()
    {
        // A small VGG-like net with a 5×5 stride-2 conv, a 1×1 stride-1 conv and a 1×1 stride-4 projection.
        var b = new GraphBuilder("vgg", new TensorShape(3, 32, 32));
        string x = b.Add(Conv2dNode.Create("stem", 3, 16, 3, padding: 1), b.Input);
        string five = b.Add(Conv2dNode.Create("five", 16, 32, 5, 2, 2, bias: true), x);
        string one = b.Add(Conv2dNode.Create("one", 32, 32, 1), five);
        string proj = b.Add(Conv2dNode.Create("proj", 32, 64, 1, 4), one);
        b.Add(new GlobalAvgPoolNode { Name = "gap" }, proj);
        var result = DepthwiseConverter.Convert(b.Build());
        var g = result.Model;
        Assert.Equal(["five", "proj"], result.ConvertedLayers);
        Assert.Equal(new[] { 5, 5 }, ((Conv2dNode)g["five.depthwise"]).Kernel);
        Assert.Equal(16, ((Conv2dNode)g["five.depthwise"]).Groups);
        Assert.True(((Conv2dNode)g["five.pointwise"]).Bias);
        Assert.Equal(new[] { 5, 5 }, ((Conv2dNode)g["proj.depthwise"]).Kernel);  // kernel ≥ stride 4
        Assert.Equal(new[] { 4, 4 }, ((Conv2dNode)g["proj.depthwise"]).Stride);
        Assert.Same(g["one"].GetType(), typeof(Conv2dNode));
        Assert.Equal(b.ShapeOf("proj"), g["proj.pointwise"].OutputShape);
        Assert.Equal(["gap"], g.Outputs);
        Assert.Equal(16 * 27L + 16 * 25 + 16 * 32 + 32 + 32 * 32 + 32 * 25 + 32 * 64, g.Parameters);
        Assert.Empty(Csk6Tools.Engine.Budget.BudgetCalculator.Measure(g).Violations);

        var stem = DepthwiseConverter.Convert(b.Build(), new DepthwiseOptions { IncludeStem = true });
        Assert.Contains("stem", stem.ConvertedLayers);
    }
}
