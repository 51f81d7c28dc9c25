namespace Csk6Tools.Engine.Data;

/// <summary>Tells a data set's format from the files in its folder.</summary>
public static class DatasetFormatDetector
{
    public static DatasetFormat? Detect(string folder)
    {
        bool Has(string file) => File.Exists(Path.Combine(folder, file));
        if (Has(Cifar100Reader.TrainFile) || Has(Cifar100Reader.TestFile)) return DatasetFormat.Cifar100;
        if (Has(Cifar10Reader.FirstTrainFile) || Has(Cifar10Reader.TestFile)) return DatasetFormat.Cifar10;
        if (IdxReader.Holds(folder)) return DatasetFormat.Idx;
        if (ImageFolderLayout.Holds(folder)) return DatasetFormat.ImageFolder;
        return null;
    }
}
