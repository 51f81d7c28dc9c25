using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Csk6Tools.Engine.Tests.Onnx;

/// <summary>Runs an ONNX model in ONNX Runtime on float inputs of one shape.</summary>
internal sealed class OnnxRuntimeRunner(byte[] model) : IDisposable
{
    private readonly InferenceSession _session = new(model);

    public float[] Run(float[] input, int[] sampleShape)
    {
        var tensor = new DenseTensor<float>(input, [1, .. sampleShape]);
        using var results =
            _session.Run([NamedOnnxValue.CreateFromTensor(_session.InputMetadata.Keys.Single(), tensor)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
