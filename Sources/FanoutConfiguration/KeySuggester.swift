/// Finds the valid key a misspelt one was probably meant to be.
enum KeySuggester {
    /// The closest of `candidates` to `key`, or `nil` when none is close enough to be a plausible typo.
    static func suggestion(for key: String, among candidates: [String]) -> String? {
        let normalizedKey = normalized(key)
        // `maxRetries`, `Max-Retries` and `max_retries` differ only in spelling convention.
        if let match = candidates.first(where: { normalized($0) == normalizedKey }) {
            return match
        }
        if let synonym = synonyms[normalizedKey], candidates.contains(synonym) {
            return synonym
        }
        let allowance = max(2, key.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(key.lowercased()), Array(candidate))
            if distance <= allowance, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Other tools' names for our short keys, too far from them in spelling for the edit distance to find, keyed by
    /// their normalized form.
    private static let synonyms = [
        "environment": "env", "environ": "env", "environmentvariables": "env", "variables": "env",
        "workingdirectory": "workdir", "workingdir": "workdir", "cwd": "workdir", "chdir": "workdir",
        "directory": "workdir", "dir": "workdir",
    ]

    private static func normalized(_ key: String) -> String {
        String(key.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance counting an adjacent transposition as one edit.
    static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        // Keys are short; a huge key is not a typo of anything, and this bounds the work.
        if left.count > 64 || right.count > 64 {
            return Int.max
        }
        if left.isEmpty || right.isEmpty {
            return max(left.count, right.count)
        }
        var previousPrevious = [Int](repeating: 0, count: right.count + 1)
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, left[i - 1] == right[j - 2], left[i - 2] == right[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[right.count]
    }
}
