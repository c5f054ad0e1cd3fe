package replay

// LowerDecompressionBound lowers the bound on a file's decompressed size for the fuzz target,
// whose inputs would otherwise spend their time decompressing 64 MiB each; the real bound is
// tested by TestReadBoundsDecompression.
func LowerDecompressionBound(n int) { maxDecompressed = n }
