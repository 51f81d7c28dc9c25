using Csk6Tools.Engine.Data;
using SixLabors.ImageSharp.PixelFormats;

namespace Csk6Tools.Engine.Tests.Data;

public sealed class ImageFolderReaderTests : IDisposable
{
    private readonly DatasetFileWriter _files = new();
    public void Dispose() => _files.Dispose();

    private static readonly Rgb24 Red = new(255, 0, 0), Blue = new(0, 0, 200);

    private void WriteColourClasses()
    {
        for (int i = 0; i < 3; i++)
        {
            _files.WritePng($"pets/cat/{i}.png", 8, 8, Red);
            _files.WritePng($"pets/dog/{i}.png", i == 1 ? 16 : 8, i == 1 ? 16 : 8, Blue);
        }
        _files.WriteLines("pets/cat/notes.txt", ["not an image"]);
    }

    [Fact]
    public void Class_folders_are_decoded_resized_and_split_evenly()
    {
        WriteColourClasses();
        var data = DatasetLoader.Load(_files.PathOf("pets"), new DatasetLoadOptions { TestFraction = 1.0 / 3 });

        Assert.Equal("pets", data.Name);
        Assert.Equal(["cat", "dog"], data.Classes);
        Assert.Equal((3, 8, 8), (data.Channels, data.Height, data.Width));
        // Each class: files 0 and 1 train, file 2 test; listed class by class in turn.
        Assert.Equal([0, 1, 0, 1], data.Train.Labels);
        Assert.Equal([0, 1], data.Test.Labels);
        var dog16 = data.Train.Image(3).ToArray();   // dog/1.png, 16×16 resized to 8×8
        Assert.All(dog16[..64], v => Assert.Equal(0, v));
        Assert.All(dog16[128..], v => Assert.Equal(200, v));
        Assert.All(data.Train.Image(0)[..64].ToArray(), v => Assert.Equal(255, v));
        // Half the images are red (255, 0, 0), half blue (0, 0, 200).
        Expected.Close([0.5, 0, 100 / 255.0], data.Mean);
        Expected.Close([0.5, 0, 100 / 255.0], data.Std);
    }

    [Fact]
    public void Grey_images_in_train_and_test_folders_give_one_channel_unless_asked_for_three()
    {
        for (int i = 0; i < 2; i++)
        {
            _files.WritePng($"digits/train/zero/{i}.png", 6, 6, new Rgb24(10, 10, 10));
            _files.WritePng($"digits/train/one/{i}.png", 6, 6, new Rgb24(90, 90, 90));
        }
        _files.WritePng("digits/test/one/0.png", 6, 6, new Rgb24(90, 90, 90));

        var grey = DatasetLoader.Load(_files.PathOf("digits"), new DatasetLoadOptions());
        Assert.Equal(["one", "zero"], grey.Classes);
        Assert.Equal((1, 6, 6), (grey.Channels, grey.Height, grey.Width));
        Assert.Equal((4, 1), (grey.Train.Count, grey.Test.Count));
        Assert.Equal([0, 1, 0, 1], grey.Train.Labels);
        Assert.All(grey.Train.Image(1).ToArray(), v => Assert.Equal(10, v));
        Assert.All(grey.Test.Image(0).ToArray(), v => Assert.Equal(90, v));

        var rgb = DatasetLoader.Load(_files.PathOf("digits"),
            new DatasetLoadOptions { Channels = 3, Size = 4, TrainCount = 2 });
        Assert.Equal((3, 4, 4), (rgb.Channels, rgb.Height, rgb.Width));
        Assert.Equal(2, rgb.Train.Count);
        Assert.Equal(Enumerable.Repeat((byte)90, 48), rgb.Train.Image(0).ToArray());
    }

    [Fact]
    public void Colour_images_become_grey_with_the_luma_weights()
    {
        _files.WritePng("c/a/0.png", 2, 2, new Rgb24(200, 100, 50));
        var data = DatasetLoader.Load(_files.PathOf("c"), new DatasetLoadOptions { Channels = 1, TestFraction = 0 });
        // 0.299·200 + 0.587·100 + 0.114·50 = 124.2
        Assert.Equal([124, 124, 124, 124], data.Train.Image(0).ToArray());
    }

    [Fact]
    public void An_undecodable_image_is_named()
    {
        WriteColourClasses();
        File.WriteAllText(_files.PathOf("pets/dog/2.png"), "this is not a PNG");
        var e = Expected.Error(ErrorIds.InvalidImage,
            () => DatasetLoader.Load(_files.PathOf("pets"), new DatasetLoadOptions()));
        Assert.Equal(_files.PathOf("pets/dog/2.png"), e.Path);
        Assert.Contains("2.png", e.Message);
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_refused_before_decoding()
    {
        WriteColourClasses();
        var e = Expected.Error(ErrorIds.ImageTooLarge,
            () => DatasetLoader.Load(_files.PathOf("pets"), new DatasetLoadOptions { MaxImagePixels = 100 }));
        Assert.Contains("16×16 = 256 pixels", e.Message);
    }
}
