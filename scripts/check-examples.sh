#!/usr/bin/env bash
# Builds and runs Examples/ (a package depending on RiskKernels by path, as a user's would):
# - PortfolioRisk recomputes part of a `riskreport run` report and checks it;
# - AsianBasket is a custom PathObserver, checked against its closed form and across splits;
# - ReadmeSample is the README's code sample between the readme-sample markers, compiled and run;
# - Doc<Article> is the example of each DocC article (Sources/RiskKernels/Documentation.docc, its
#   one ```swift block), compiled and run: every article's example runs as written.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
mkdir -p Examples/Sources/ReadmeSample
awk '/<!-- readme-sample:end -->/{f=0} f && !/^```/{print} /<!-- readme-sample:start -->/{f=1}' README.md \
  > Examples/Sources/ReadmeSample/main.swift
test -s Examples/Sources/ReadmeSample/main.swift || { echo "check-examples: no readme sample found" >&2; exit 1; }
rm -rf Examples/Sources/Doc*
articles=()
for file in Sources/RiskKernels/Documentation.docc/*.md; do
  article=$(basename "$file" .md)
  [ "$article" = RiskKernels ] || articles+=("$article")
done
for article in "${articles[@]}"; do
  mkdir -p "Examples/Sources/Doc$article"
  awk '/^```swift$/{f=1; next} f && /^```$/{exit} f{print}' \
    "Sources/RiskKernels/Documentation.docc/$article.md" > "Examples/Sources/Doc$article/main.swift"
  test -s "Examples/Sources/Doc$article/main.swift" ||
    { echo "check-examples: no example in $article.md" >&2; exit 1; }
done
$SWIFT build --product riskreport
OUT=.build/example-report
.build/debug/riskreport run --paths 20000 --format json --out "$OUT"
$SWIFT build --package-path Examples
Examples/.build/debug/PortfolioRisk Sources/RiskReportCore/Resources/quandl_wiki_4stocks_2004_2013_prices.csv "$OUT/report.json"
Examples/.build/debug/AsianBasket
(cd Examples && .build/debug/ReadmeSample)
for article in "${articles[@]}"; do
  echo "== $article.md"
  Examples/.build/debug/"Doc$article"
done
