namespace Csk6Tools.Engine.Data;

/// <summary>Zalando's Fashion-MNIST and where Debian's dataset-fashion-mnist package installs it.</summary>
public static class FashionMnist
{
    public const string DebianPackage = "dataset-fashion-mnist";
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    public static string[] Classes =>
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
}
