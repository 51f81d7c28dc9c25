using TorchSharp;

namespace Csk6Tools.Training;

/// <summary>libtorch's native libraries could not be loaded (or the requested device does not exist).</summary>
public sealed class TorchUnavailableException(string message, Exception? inner = null)
    : Csk6Tools.Engine.Csk6Exception(Csk6Tools.Engine.ErrorIds.NativeRuntimeLoadFailed, message, inner);

/// <summary>The first touch of libtorch: threads and device, with one clear error if the natives do not load.</summary>
internal static class TorchRuntime
{
    public static torch.Device Prepare(string device, int threads)
    {
        try
        {
            if (threads > 0) torch.set_num_threads(threads);
            if (device == "cuda" && !torch.cuda.is_available())
                throw new TorchUnavailableException("-Device cuda needs a CUDA build of libtorch (libtorch-cuda) and " +
                    "a GPU; this installation has the CPU build. Use -Device cpu.");
            return device == "cuda" ? torch.CUDA : torch.CPU;
        }
        catch (TypeInitializationException e)
        {
            throw new TorchUnavailableException($"libtorch did not load from the module folder " +
                $"({e.InnerException?.Message ?? e.Message}). Rebuild the module with build.ps1, which patches " +
                $"libLibTorchSharp.so for this system's libstdc++.", e);
        }
    }
}
