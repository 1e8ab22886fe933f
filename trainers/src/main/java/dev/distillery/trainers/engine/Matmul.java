package dev.distillery.trainers.engine;

/**
 * The three GEMM layouts the engine needs, row-major with leading dimensions. This indirection lets the engine be
 * written and verified against plain loops before the blocked Vector API kernels are plugged in underneath.
 */
final class Matmul {

    private Matmul() {
    }

    /** C[M,N] (+)= A[M,K] · B[N,K]ᵀ — forward through an HF [out, in] weight. */
    static void abt(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldb;
                float s = 0;
                for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** C[M,N] (+)= A[M,K] · B[K,N] — input gradient through a weight. */
    static void ab(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * lda + p];
                if (av == 0) continue;
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }

    /** C[M,N] (+)= A[K,M]ᵀ · B[K,N] — weight gradient from activations and output gradients. */
    static void atb(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
        }
        for (int p = 0; p < k; p++) {
            int ap = aOff + p * lda;
            int bp = bOff + p * ldb;
            for (int i = 0; i < m; i++) {
                float av = a[ap + i];
                if (av == 0) continue;
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }
}
