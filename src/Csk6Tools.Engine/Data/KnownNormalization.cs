namespace Csk6Tools.Engine.Data;

/// <summary>Published per-channel constants, for pixels scaled to [0, 1].</summary>
public static class KnownNormalization
{
    /// <summary>pytorch-cifar100's CIFAR100_TRAIN_MEAN (over the
    /// training set); test images are normalized with it too.</summary>
    public static float[] Cifar100Mean => [0.5070751592371323f, 0.48654887331495095f, 0.4409178433670343f];

    /// <summary>pytorch-cifar100's CIFAR100_TRAIN_STD.</summary>
    public static float[] Cifar100Std => [0.2673342858792401f, 0.2564384629170883f, 0.27615047132568404f];
}
