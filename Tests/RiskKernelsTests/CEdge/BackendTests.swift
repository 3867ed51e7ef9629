import Testing
import RiskKernels
