namespace Csk6Tools.Engine.Data;

/// <summary>CIFAR-100 facts: the fine class names in label order (alphabetical, as test_thinker prints them) and the
/// training-set normalization of pytorch-cifar100 (docs/resnet-cifar.md#normalization).</summary>
public static class Cifar100
{
    public static IReadOnlyList<string> FineLabels { get; } =
    [
        "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
        "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
        "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
        "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
        "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
        "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
        "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
        "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
        "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone",
        "television", "tiger", "tractor",
        "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
    ];

    public static IReadOnlyList<float> Mean { get; } = [0.5070751592371323f, 0.48654887331495095f, 0.4409178433670343f];
    public static IReadOnlyList<float> Std { get; } = [0.2673342858792401f, 0.2564384629170883f, 0.27615047132568404f];
}
