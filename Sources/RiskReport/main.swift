import RiskKernels
print("placeholder")
