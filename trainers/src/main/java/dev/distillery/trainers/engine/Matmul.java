package dev.distillery.trainers.engine;

import dev.distillery.trainers.kernels.Gemm;

/**
 * The three GEMM layouts the engine needs, row-major with leading dimensions, on the blocked Vector API kernels
 * ({@link Gemm}). One place to swap or instrument the matrix multiplications of a training step.
 */
final class Matmul {

    private Matmul() {
    }

    /** C[M,N] (+)= A[M,K] · B[N,K]ᵀ — forward through an HF [out, in] weight. */
    static void abt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate) {
        Gemm.abt(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C[M,N] (+)= A[M,K] · B[K,N] — input gradient through a weight. */
    static void ab(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc, boolean accumulate) {
        Gemm.ab(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C[M,N] (+)= A[K,M]ᵀ · B[K,N] — weight gradient from activations and output gradients. */
    static void atb(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate) {
        Gemm.atb(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }
}
