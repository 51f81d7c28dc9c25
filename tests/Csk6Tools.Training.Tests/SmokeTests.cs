using TorchSharp;

namespace Csk6Tools.Training.Tests;

public class SmokeTests
{
    [Fact]
    public void TorchLoads() => Assert.Equal(6f, torch.ones(2, 3).sum().item<float>());
}
