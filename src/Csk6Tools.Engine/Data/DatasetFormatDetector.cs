namespace Csk6Tools.Engine.Data;

/// <summary>Tells a data set's format from the files in its folder.</summary>
internal static class DatasetFormatDetector
{
    internal static DatasetFormat? Detect(DatasetSource source, string folder)
    {
        bool Has(string file) => source.FileExists(DatasetSource.Join(folder, file));
        if (Has(Cifar100Reader.TrainFile) || Has(Cifar100Reader.TestFile)) return DatasetFormat.Cifar100;
        if (Has(Cifar10Reader.FirstTrainFile) || Has(Cifar10Reader.TestFile)) return DatasetFormat.Cifar10;
        if (IdxReader.Holds(source, folder)) return DatasetFormat.Idx;
        if (ImageFolderLayout.Holds(source, folder)) return DatasetFormat.ImageFolder;
        return null;
    }
}
