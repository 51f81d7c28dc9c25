using Csk6Tools.Engine.Imaging;
using Csk6Tools.Engine.Model;
using Csk6Tools.Engine.Package;

namespace Csk6Tools.Engine.Inference;

/// <summary>What an image must become to feed a package: the link
/// between the package format and image preprocessing.</summary>
public static class PackageInput
{
    /// <summary>
    /// The input of a package (shape and exponent). Normalization, per part: the caller's <paramref name="mean"/> and
    /// <paramref name="std"/>, else the package's description (model.json), else <paramref name="fallback"/> (a data
    /// set's or a model's), else CIFAR-100's for RGB.
    /// </summary>
    public static InputSpec ImageSpec(ThinkerPackage package, float[]? mean = null, float[]? std = null,
        Normalization? fallback = null)
    {
        var t = package.InputTensor;
        if (t.Shape.Length != 4 || t.Shape[0] != 1 || t.DType != ThinkerDType.Int8)
            throw new ArgumentException($"The package's input '{t.Name}' is {t.DType} ({string.Join("×", t.Shape)}), " +
                $"not an int8 1×C×H×W image tensor.");
        var known = package.Description?.Normalization ?? fallback;
        return InputSpec.Create(t.Shape[1], t.Shape[2], t.Shape[3], t.Exponent ?? 0,
            mean ?? known?.Mean, std ?? known?.Std);
    }
}
