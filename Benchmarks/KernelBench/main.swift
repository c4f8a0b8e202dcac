import Kernels
print("kernel-bench")
