namespace Csk6Tools.Engine;

/// <summary>
/// Every stable error id of Csk6Tools, the engine's and the cmdlets'. An id is its constant's name, in PascalCase;
/// a new id names its subject and then what is wrong with it (<c>PackageTruncated</c>,
/// <c>TrainingUnsupportedOperator</c>), while the ids scripts already match on (<c>InvalidDepth</c>,
/// <c>TruncatedDatasetFile</c>) keep their names. The cmdlets report an id as FullyQualifiedErrorId
/// "&lt;id&gt;,Csk6Tools.Commands.&lt;Cmdlet&gt;Command".
/// </summary>
public static class ErrorIds
{
    // Arguments and pipeline input (the cmdlets).
    public const string ModelExpected = nameof(ModelExpected);
    public const string PackageExpected = nameof(PackageExpected);
    public const string InvalidDepth = nameof(InvalidDepth);
    public const string InvalidWidth = nameof(InvalidWidth);
    public const string InvalidArgument = nameof(InvalidArgument);

    // Paths and files (the cmdlets).
    public const string PathNotFound = nameof(PathNotFound);
    public const string PathNotFileSystem = nameof(PathNotFileSystem);
    public const string FileExists = nameof(FileExists);

    /// <summary>A graph that cannot be built or read: an unknown
    /// input, a shape that does not fit, a bad attribute.</summary>
    public const string InvalidGraph = nameof(InvalidGraph);

    // Model files (Save-Csk6Model, Import-Csk6Model).
    /// <summary>Not a readable safetensors file.</summary>
    public const string ModelFileCorrupt = nameof(ModelFileCorrupt);
    /// <summary>A valid safetensors file that is not a Csk6Tools model.</summary>
    public const string ModelFileForeign = nameof(ModelFileForeign);
    public const string ModelFileNotFound = nameof(ModelFileNotFound);
    public const string ModelFileExists = nameof(ModelFileExists);
    public const string ModelFileWriteFailed = nameof(ModelFileWriteFailed);

    // Data sets and images.
    /// <summary>The path, or a file the format needs, does not exist.</summary>
    public const string DatasetFileNotFound = nameof(DatasetFileNotFound);
    /// <summary>A known data set (-Name) is not installed; the message names the Debian package.</summary>
    public const string DatasetNotInstalled = nameof(DatasetNotInstalled);
    /// <summary>The folder holds no data set in a format this module reads.</summary>
    public const string UnknownDatasetFormat = nameof(UnknownDatasetFormat);
    /// <summary>A file (or an archive) ends inside a record, an
    /// entry, or before the data its header promises.</summary>
    public const string TruncatedDatasetFile = nameof(TruncatedDatasetFile);
    /// <summary>A folder or archive that holds several data sets one level down: the path must name one.</summary>
    public const string AmbiguousDataset = nameof(AmbiguousDataset);
    /// <summary>A header that is not what the format requires (IDX magic, dimensions).</summary>
    public const string InvalidDatasetHeader = nameof(InvalidDatasetHeader);
    /// <summary>A compressed file or an archive that does not decompress
    /// or whose structure is broken; the message names the entry.</summary>
    public const string CorruptDatasetFile = nameof(CorruptDatasetFile);
    /// <summary>A label is not below the number of classes.</summary>
    public const string LabelOutOfRange = nameof(LabelOutOfRange);
    /// <summary>An image file and its label file disagree on the
    /// number of items, or splits on the image size.</summary>
    public const string DatasetCountMismatch = nameof(DatasetCountMismatch);
    /// <summary>A data set file that the operating system cannot read (permissions, I/O error).</summary>
    public const string DatasetReadFailed = nameof(DatasetReadFailed);
    /// <summary>An image file that cannot be decoded.</summary>
    public const string InvalidImage = nameof(InvalidImage);
    /// <summary>An image with more pixels than allowed (a guard against decompression bombs).</summary>
    public const string ImageTooLarge = nameof(ImageTooLarge);

    // Training.
    /// <summary>The data set does not fit the model, the model is
    /// past this stage, the checkpoint is another run's.</summary>
    public const string TrainingFailed = nameof(TrainingFailed);
    /// <summary>A layer that cannot be trained or quantized, such as a BatchNorm2d after no convolution.</summary>
    public const string TrainingUnsupportedOperator = nameof(TrainingUnsupportedOperator);
    /// <summary>libtorch did not load, or a CUDA device was asked of the CPU build.</summary>
    public const string NativeRuntimeLoadFailed = nameof(NativeRuntimeLoadFailed);
    /// <summary>Training needs the Csk6Tools.Torch module (TorchSharp and libtorch) of the module's version.</summary>
    public const string TorchModuleNotInstalled = nameof(TorchModuleNotInstalled);

    // ONNX.
    /// <summary>Not a readable ONNX protobuf (truncated, damaged or another format).</summary>
    public const string OnnxCorrupt = nameof(OnnxCorrupt);
    /// <summary>Operators the importer does not know; the message lists every one with its node name.</summary>
    public const string OnnxUnsupportedOperator = nameof(OnnxUnsupportedOperator);
    /// <summary>A well-formed file whose graph is wrong: a missing attribute,
    /// a shape that does not fit, a scale that is not a power of two.</summary>
    public const string OnnxInvalidModel = nameof(OnnxInvalidModel);
    public const string OnnxExportNotQuantized = nameof(OnnxExportNotQuantized);
    public const string OnnxExportUnsupportedLayer = nameof(OnnxExportUnsupportedLayer);
    public const string OnnxExportNoWeights = nameof(OnnxExportNoWeights);

    // PyTorch (Export-Csk6PyTorch, Import-Csk6Model -Graph).
    /// <summary>A constrained or quantized model: PyTorch trains the float stage only.</summary>
    public const string PyTorchExportNotFloat = nameof(PyTorchExportNotFloat);
    /// <summary>Layers of an operator the generated module cannot
    /// compute (an imported ONNX operator kept as Other).</summary>
    public const string PyTorchExportUnsupportedLayer = nameof(PyTorchExportUnsupportedLayer);
    /// <summary>A state_dict whose tensors do not fit the graph; the
    /// message names every missing, extra and mis-shaped one.</summary>
    public const string StateDictMismatch = nameof(StateDictMismatch);
    /// <summary>Not a state_dict: a whole pickled model, a torch.save
    /// file in the old format, another kind of file.</summary>
    public const string StateDictUnreadable = nameof(StateDictUnreadable);

    // Packing (New-Csk6Package).
    /// <summary>Only a model after quantization-aware training can be packed.</summary>
    public const string ModelNotQuantized = nameof(ModelNotQuantized);
    public const string PackUnsupportedOperator = nameof(PackUnsupportedOperator);
    public const string PackMissingWeight = nameof(PackMissingWeight);
    public const string PackageOverCapacity = nameof(PackageOverCapacity);
    /// <summary>An option of one package layout asked for with the other (KeepQuantDequant with -Layout V3).</summary>
    public const string PackOptionNotInLayout = nameof(PackOptionNotInLayout);

    // Reading a package (model.bin).
    public const string PackageNotThinker = nameof(PackageNotThinker);
    public const string PackageTruncated = nameof(PackageTruncated);
    public const string PackageCrcMismatch = nameof(PackageCrcMismatch);
    public const string PackageCorrupt = nameof(PackageCorrupt);
    public const string PackageUnsupported = nameof(PackageUnsupported);

    // Charts (Export-Csk6Chart).
    /// <summary>The object is not a budget, a package or a model.</summary>
    public const string ChartInputNotSupported = nameof(ChartInputNotSupported);
    /// <summary>The object has no chart of the kind asked for.</summary>
    public const string ChartKindNotSupported = nameof(ChartKindNotSupported);
    /// <summary>The file name ends in neither .png nor .svg.</summary>
    public const string ChartFormatNotSupported = nameof(ChartFormatNotSupported);
    /// <summary>Nothing to draw: a model without training history.</summary>
    public const string ChartNoData = nameof(ChartNoData);

    // Running a package (the int8 engine).
    public const string EngineUnsupportedOperator = nameof(EngineUnsupportedOperator);
    public const string EngineInvalidPackage = nameof(EngineInvalidPackage);
    public const string EngineInputSize = nameof(EngineInputSize);
    /// <summary>An engine asked to run on SIMD instructions this CPU does not have.</summary>
    public const string EngineKernelPathNotSupported = nameof(EngineKernelPathNotSupported);

    // Searching (Find-Csk6Network).
    /// <summary>-Depth, -Width or -Shortcut holds nothing to search.</summary>
    public const string SearchEmptyRange = nameof(SearchEmptyRange);
    public const string SearchInvalidDepth = nameof(SearchInvalidDepth);
    public const string SearchInvalidWidth = nameof(SearchInvalidWidth);
    /// <summary>A PSRAM or SHARE_MEM capacity of 0 or less.</summary>
    public const string SearchInvalidCapacity = nameof(SearchInvalidCapacity);
    /// <summary>A negative -MaxMacs or -MaxParameters, or rescaled add inputs outside 0..2.</summary>
    public const string SearchInvalidLimit = nameof(SearchInvalidLimit);
    /// <summary>An input shape the ResNets cannot take, or fewer than one class.</summary>
    public const string SearchInvalidInput = nameof(SearchInvalidInput);
    /// <summary>A given model with a layer the search cannot scale or convert; the message names it.</summary>
    public const string SearchModelNotConvertible = nameof(SearchModelNotConvertible);
    /// <summary>Short training (-Train) without a data set.</summary>
    public const string SearchDatasetRequired = nameof(SearchDatasetRequired);

    /// <summary>The category an engine error of this id has unless
    /// its thrower says otherwise; InvalidData by default.</summary>
    public static Csk6ErrorCategory CategoryOf(string errorId) => errorId switch
    {
        DatasetFileNotFound or DatasetNotInstalled or ModelFileNotFound or PathNotFound =>
            Csk6ErrorCategory.ObjectNotFound,
        UnknownDatasetFormat or AmbiguousDataset or TrainingFailed or InvalidArgument or InvalidDepth or InvalidWidth
            or ChartInputNotSupported or ChartKindNotSupported or ChartFormatNotSupported or PackOptionNotInLayout
            => Csk6ErrorCategory.InvalidArgument,
        SearchEmptyRange or SearchInvalidDepth or SearchInvalidWidth or SearchInvalidCapacity or SearchInvalidLimit
            or SearchInvalidInput or SearchModelNotConvertible or SearchDatasetRequired
            => Csk6ErrorCategory.InvalidArgument,
        ImageTooLarge or PackageOverCapacity => Csk6ErrorCategory.LimitsExceeded,
        OnnxUnsupportedOperator or EngineUnsupportedOperator => Csk6ErrorCategory.NotImplemented,
        NativeRuntimeLoadFailed or EngineKernelPathNotSupported => Csk6ErrorCategory.ResourceUnavailable,
        _ => Csk6ErrorCategory.InvalidData,
    };
}
