import Foundation
import RiskKernels

/// Every number of `riskreport run`, as report.json writes it (keys documented in
/// docs/report.md). Risk figures are fractions of portfolio value unless a key says otherwise;
/// days are the price file's observation periods.
struct RunReport: Codable, Equatable {
  struct Inputs: Codable, Equatable {
    let prices: String
    let portfolio: String
    let estimator: String
    let paths: Int
    let steps: Int
    let horizonDays: Double
    /// The price file's periods per year, `trading` or `calendar`, and why (`PriceCalendar`).
    let periodsPerYear: Double
    let calendar: PriceCalendar.Kind
    let calendarReason: String
    let confidence: Double
    let seed: UInt64
    let backtestWindow: Int
    let threads: Int?
    /// `--variance-reduction` of the Monte Carlo VaR/ES: none, importance or antithetic.
    let varianceReduction: String
    /// `--sampler` (pseudo or sobol) and, with sobol, `--replicates`.
    let sampler: String
    let replicates: Int?
    /// Processes that shared the simulation (`riskreport-mpi`'s ranks; 1 for `riskreport`).
    let processes: Int
    /// `riskkernels`, `swift`, and the system libraries' packages.
    let versions: [String: String]
  }

  struct Covariance: Codable, Equatable {
    let estimator: String
    let observations: Int
    let droppedRows: Int
    /// Of daily log returns.
    let daily: [[Double]]
    /// `√(periodsPerYear · Σᵢᵢ)`.
    let annualVolatility: [Double]
    let correlation: [[Double]]
    let shrinkage: Double?
    /// `complete` or `stambaugh`, and the returns each asset contributed.
    var histories: String = HistoriesChoice.complete.rawValue
    var assetObservations: [Int]? = nil
  }

  struct Weights: Codable, Equatable {
    let spot: [Double]
    let holdings: [Double]
    let weights: [Double]
    let value: Double
  }

  struct RiskParity: Codable, Equatable {
    let budgets: [Double]
    let weights: [Double]
    /// `RCᵢ/σ_p` of the current and the risk-parity weights.
    let currentContributions: [Double]
    let parityContributions: [Double]
    /// Annualised (`√periodsPerYear ×` daily) portfolio volatility of each.
    let currentVolatility: Double
    let parityVolatility: Double
    let cappedAssets: [String]
    let iterations: Int
    let residual: Double
  }

  struct VaR: Codable, Equatable {
    let confidence: Double
    let horizonDays: Double
    let results: [VaRReport.Result]
  }

  struct MonteCarlo: Codable, Equatable {
    struct Histogram: Codable, Equatable {
      /// Bin edges of the terminal P&L (fraction of value), `counts.count + 1` of them.
      let edges: [Double]
      let counts: [Int]
    }
    struct FanPoint: Codable, Equatable {
      let day: Double
      /// Portfolio value quantiles at 5, 25, 50, 75 and 95%.
      let quantiles: [Double]
    }
    let paths: Int
    let steps: Int
    let initialValue: Double
    let terminalValue: MonteCarloEstimate
    /// `E[min over the grid of V(t)]`.
    let minimumValue: MonteCarloEstimate
    let histogram: Histogram
    /// From the first `fanPaths` paths (the same paths as the run's).
    let fanPaths: Int
    let fan: [FanPoint]
  }

  struct Backtest: Codable, Equatable {
    /// The historical method's backtest (the section's headline).
    let method: String
    let window: Int
    let confidence: Double
    let result: VaRBacktest
    /// Every method's, on the same days.
    var methods: [Method] = []
    /// The days tested (the price file's labels) and the portfolio's return on each.
    var dates: [String] = []
    var returns: [Double] = []

    /// One method's rolling one-day VaR against the realised returns.
    struct Method: Codable, Equatable {
      let method: String
      let exceedances: Int
      let expectedExceedances: Double
      /// The days whose loss exceeded the VaR.
      let exceedanceDates: [String]
      let kupiecPValue: Double
      /// Christoffersen's independence test, and the joint conditional-coverage test.
      let christoffersenPValue: Double
      let conditionalCoveragePValue: Double
      let zone: VaRBacktest.Zone
      /// The VaR of each tested day, as a positive loss.
      let valueAtRisk: [Double]
    }
  }

  struct Liquidation: Codable, Equatable {
    struct Position: Codable, Equatable {
      let asset: String
      let side: PositionSide
      let leverage: Double
      let maintenanceMargin: Double
      let entryPrice: Double
      let spot: Double
      let liquidationPrice: Double
      /// The posted margin and the notional `margin × leverage` (with `margin` in the file).
      var margin: Double? = nil
      var notional: Double? = nil
      /// Annualised σ of the asset (the model's).
      let volatility: Double
      let terminal: Double
      let firstPassage: Double
      let perBlock400ms: Double
      let perBlock12s: Double
      /// How each per-block figure was obtained (`DiscreteMonitoringMethod`: `exact`,
      /// `continuityCorrection`, or `bounded` when BGK fell outside [terminal, first passage]).
      let perBlock400msMethod: String
      let perBlock12sMethod: String
      /// `LiquidationBook` on the report's model and paths (continuous monitoring).
      let monteCarlo: MonteCarloEstimate
    }
    struct CurvePoint: Codable, Equatable {
      let leverage: Double
      let terminal: Double
      let firstPassage: Double
      let perBlock400ms: Double
    }
    struct Curve: Codable, Equatable {
      let asset: String
      let side: PositionSide
      let points: [CurvePoint]
    }
    let horizonDays: Double
    let positions: [Position]
    let leverageCurves: [Curve]
  }

  struct Timing: Codable, Equatable {
    let step: String
    let useCase: String
    let seconds: Double
    let budgetSeconds: Double
    /// `budgetSeconds / seconds`.
    let headroom: Double
    let withinBudget: Bool
  }

  let assets: [String]
  let inputs: Inputs
  let covariance: Covariance
  let weights: Weights
  let riskParity: RiskParity
  let `var`: VaR
  let monteCarlo: MonteCarlo
  let backtest: Backtest
  let liquidation: Liquidation
  let timings: [Timing]
  /// VaR and ES by every method at 95–99.5% and at one day and the horizon (`RiskGrid`).
  var riskGrid: [RiskGrid.Entry] = []
  /// The portfolio file's loans (`nil` without any).
  var lending: Lending? = nil
  /// The leverage controls (`nil` without `controls` in the portfolio file).
  var controls: Controls? = nil
  /// The cost-aware rebalance (`nil` without `rebalance` in the portfolio file).
  var rebalance: Rebalance? = nil

  struct Rebalance: Codable, Equatable {
    let costs: [Double]
    let riskAversion: Double
    /// Weights before and after, the trades (after − before) and their cost Σ cᵢ|tradeᵢ|.
    let currentWeights: [Double]
    let weights: [Double]
    let trades: [Double]
    let tradingCost: Double
    /// Annualised σ_p before and after.
    let volatilityBefore: Double
    let volatilityAfter: Double
    let iterations: Int
  }

  /// How often the risk must be updated (`CadenceAnalysis` over intervals 1, 5, 21 and 63).
  var cadence: CadenceAnalysis.Result? = nil

  struct Controls: Codable, Equatable {
    struct Position: Codable, Equatable {
      let asset: String
      let side: PositionSide
      let leverage: Double
      /// The asset's annualised volatility and its one-day VaR at the report's confidence, as
      /// a fraction of notional (normal, from the model).
      let volatility: Double
      let oneDayValueAtRisk: Double
      /// `L* = κ/σ · min(100, M/VaR)`, and whether the position's leverage is above it.
      let volatilityAdjustedLeverage: Double
      let aboveAdjustedLeverage: Bool
      /// `LT₀(1 + ησ)`.
      let dynamicLiquidationThreshold: Double
    }
    let positions: [Position]
    /// The days the circuit breaker would have tripped on the portfolio's rolling volatility.
    let circuitBreakerTrips: [String]
    let daysChecked: Int
    /// `−Σ wᵢ ln wᵢ` of the portfolio weights, and its maximum `ln d`.
    let entropy: Double
    let maximumEntropy: Double
    /// `√(wᵀΣw)` (annual) and `1 − σ/σ_max`.
    let systemicVolatility: Double
    let stability: Double
    let settings: PortfolioFile.Controls
  }

  /// Each loan's default risk over the horizon (`LendingBook` on the report's model and paths),
  /// and the book's expected default cost.
  struct Lending: Codable, Equatable {
    struct Loan: Codable, Equatable {
      let name: String
      let debt: Double
      let collateralValue: Double
      let liquidationThreshold: Double
      /// Annualised `√(wᵀΣw)` of the collateral basket.
      let collateralVolatility: Double
      /// Continuous monitoring (Brownian bridge), and on the simulation's grid.
      let defaultProbability: Double
      let defaultProbabilityStandardError: Double
      let gridDefaultProbability: Double
      let gridDefaultProbabilityStandardError: Double
      /// `E[(L − C(T))⁺ · 1{default}]`.
      let expectedDefaultCost: Double
      let expectedDefaultCostStandardError: Double
      /// The lending rules `r = r₀ + βσ` and `CR = CR_min + γσ` (with `lendingRules`).
      let rate: Double?
      let collateralRatio: Double?
    }
    let loans: [Loan]
    let expectedDefaultCost: Double
    /// Σ of the loans' standard errors: a bound (the loans' estimates are correlated).
    let expectedDefaultCostStandardErrorBound: Double
    let rules: PortfolioFile.LendingRules?
    /// The loans together on the same paths (`LendingBook.simulateJoint`).
    var book: Book? = nil

    struct Book: Codable, Equatable {
      /// P(at least one loan defaults), P(every loan defaults) within the horizon.
      let anyDefault: MonteCarloEstimate
      let allDefault: MonteCarloEstimate
      /// The number of loans in default: mean; `atLeast[k]` = P(at least k).
      let expectedDefaults: MonteCarloEstimate
      let atLeast: [MonteCarloEstimate]
      /// Σ debt of the defaulting loans: mean and its 50/95/99% quantiles.
      let defaultedDebt: MonteCarloEstimate
      let defaultedDebtQuantiles: [Double]
    }
  }

  /// The leveraged positions liquidated together on the report's paths
  /// (`LiquidationBook.simulateJoint`); `nil` without positions.
  var jointLiquidation: JointLiquidation? = nil

  struct JointLiquidation: Codable, Equatable {
    let positions: Int
    let horizonDays: Double
    let anyLiquidated: MonteCarloEstimate
    let allLiquidated: MonteCarloEstimate
    let expectedCount: MonteCarloEstimate
    /// `atLeast[k]`: P(at least k positions liquidated), k = 0 … positions.
    let atLeast: [MonteCarloEstimate]
    /// Σ margin × leverage of the liquidated positions (when every position gives its margin):
    /// mean and the 50/95/99% quantiles.
    let liquidatedNotional: MonteCarloEstimate?
    let liquidatedNotionalQuantiles: [Double]?
  }

  /// The stress scenarios (`riskreport stress`'s JSON), historical ones when the prices have
  /// enough complete rows.
  var stress: StressReport? = nil

  func json() throws -> Data {
    try ReportJSON.encode(self, pretty: true)
  }
}
