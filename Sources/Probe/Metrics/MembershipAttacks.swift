/// Membership-inference attacks beyond Min-K% (REFERENCE §2; OpenUnlearning's `mia_loss` and
/// `mia_reference`), on MUSE's PrivLeak texts (forget = members, holdout = non-members):
///
/// ```
/// LOSS       score(x) = mean NLL of x under the model
/// zlib       score(x) = mean NLL of x / len(zlib.compress(x))
/// reference  score(x) = mean NLL under the model − mean NLL under the reference model
///                       (the retrain model at the same precision)
/// ```
///
/// AUCs follow ``AUC/privLeakAUC(forgetScores:holdoutScores:)``; PrivLeak is relative to the
/// retrain model's AUC of the same attack (for the reference attack the retrain model scores
/// 0 on every text, AUC 0.5). The zlib-ratio attack (`score(x) = mean NLL / len(zlib.compress(x))`)
/// is computed per cell with ``ZlibLength``, which reproduces zlib's compressed lengths.
public enum MembershipAttacks {
    /// Sets each cell's reference-attack AUC and PrivLeak from its PrivLeak texts' losses and
    /// the retrain cell's at the same precision label.
    public static func fillingReferenceAttack(_ cells: [ProbeCell]) -> [ProbeCell] {
        cells.map { cell in
            guard let retrain = cells.first(where: { $0.role == .retrain && $0.precisionLabel == cell.precisionLabel }) else {
                return cell
            }
            func losses(_ c: ProbeCell, _ split: ItemSplit) -> [Int: Double] {
                Dictionary(c.items.compactMap { item in
                    item.split == split ? item.goldLogProbs.map { (item.index, -$0.mean) } : nil
                }, uniquingKeysWith: { a, _ in a })
            }
            func scores(_ split: ItemSplit) -> [Double] {
                let mine = losses(cell, split), reference = losses(retrain, split)
                return mine.keys.sorted().compactMap { i in reference[i].map { mine[i]! - $0 } }
            }
            var c = cell
            c.referenceAUC = AUC.privLeakAUC(forgetScores: scores(.privLeakForget), holdoutScores: scores(.privLeakHoldout))
            c.privLeakReference = c.referenceAUC.flatMap { AUC.privLeak(auc: $0, retrainAUC: 0.5) }
            return c
        }
    }
}
