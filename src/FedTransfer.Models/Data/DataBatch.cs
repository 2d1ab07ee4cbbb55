namespace FedTransfer.Models.Data;

/// <summary>
/// One mini-batch: <see cref="Count"/> rows of features (row-major, <see cref="Shape"/> = [Count, ..row shape]) and
/// their labels. Unshuffled batches are slices of the dataset's arrays (no copy); shuffled ones own fresh arrays.
/// </summary>
/// <param name="Features">Count × row-size floats.</param>
/// <param name="Labels">Count labels.</param>
/// <param name="Count">Number of rows; the last batch of an epoch may be short.</param>
/// <param name="Shape">[Count, ..row shape], ready for a tensor factory.</param>
public readonly record struct DataBatch(ReadOnlyMemory<float> Features, ReadOnlyMemory<long> Labels, int Count, long[] Shape);
