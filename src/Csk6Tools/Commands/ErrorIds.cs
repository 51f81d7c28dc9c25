namespace Csk6Tools.Commands;

/// <summary>Stable error ids: scripts match on them (FullyQualifiedErrorId = "Id,Csk6Tools.Commands.&lt;Cmdlet&gt;Command").</summary>
internal static class ErrorIds
{
    public const string ModelExpected = nameof(ModelExpected);
    public const string InvalidDepth = nameof(InvalidDepth);
    public const string InvalidWidth = nameof(InvalidWidth);
    public const string InvalidArgument = nameof(InvalidArgument);
    public const string InvalidGraph = nameof(InvalidGraph);
    public const string PathNotFound = nameof(PathNotFound);
    public const string PathNotFileSystem = nameof(PathNotFileSystem);
    public const string PackageExpected = nameof(PackageExpected);
    public const string FileExists = nameof(FileExists);
    /// <summary>A data set file that the operating system cannot read (permissions, I/O error); format errors carry the engine's DatasetErrorIds.</summary>
    public const string DatasetReadFailed = nameof(DatasetReadFailed);
    public const string TrainingFailed = nameof(TrainingFailed);
    public const string UnsupportedOperator = nameof(UnsupportedOperator);
    public const string NativeRuntimeLoadFailed = nameof(NativeRuntimeLoadFailed);
    /// <summary>Training needs the Csk6Tools.Torch module (TorchSharp and libtorch) of the same version.</summary>
    public const string TorchModuleNotInstalled = nameof(TorchModuleNotInstalled);
    public const string ModelFileCorrupt = nameof(ModelFileCorrupt);
    public const string ModelFileForeign = nameof(ModelFileForeign);
    public const string ModelFileNotFound = nameof(ModelFileNotFound);
    public const string ModelFileExists = nameof(ModelFileExists);
    public const string ModelFileWriteFailed = nameof(ModelFileWriteFailed);
}
