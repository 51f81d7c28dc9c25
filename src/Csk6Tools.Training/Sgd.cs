using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Csk6Tools.Training;

/// <summary>
/// torch.optim.SGD with momentum and weight decay (dampening 0, not Nesterov): d = g + λ·p; b = μ·b + d (b = d at
/// the first step); p −= lr·b. The momentum buffers are plain tensors so checkpoints can carry them.
/// </summary>
internal sealed class Sgd(IReadOnlyDictionary<string, TorchSharp.Modules.Parameter> parameters,
    double momentum, double weightDecay)
{
    public Dictionary<string, Tensor> Buffers { get; } = [];

    public void Step(double rate)
    {
        using var _ = no_grad();
        foreach (var (name, p) in parameters)
        {
            if (p.grad is not { } grad) continue;
            var d = weightDecay != 0 ? grad.add(p, weightDecay) : grad.clone();
            if (momentum != 0)
            {
                if (Buffers.TryGetValue(name, out var buffer)) buffer.mul_(momentum).add_(d);
                else Buffers[name] = (buffer = d.clone().DetachFromDisposeScope());
                d = buffer;
            }
            p.add_(d, -rate);
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in parameters.Values) p.grad?.zero_();
    }
}
