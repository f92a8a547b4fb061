/// A nested value with optionals, present and absent: the shape of a user-defined job's richer input or output.
struct NestedRecord: Codable, Equatable, Sendable {
    struct Location: Codable, Equatable, Sendable {
        var latitude: Double
        var longitude: Double
        var label: String?
    }

    struct Measurement: Codable, Equatable, Sendable {
        var name: String
        var value: Double?
        var unit: String?
        var flags: [Bool]
    }

    var id: Int64
    var name: String
    var tags: [String]
    var location: Location?
    var measurements: [Measurement]
    var note: String?
    var parent: Int64?

    static let sample = NestedRecord(
        id: 4_211,
        name: "station north-east 12",
        tags: ["calibrated", "outdoor", "v2"],
        location: Location(latitude: 52.52, longitude: 13.405, label: nil),
        measurements: [
            Measurement(name: "temperature", value: 21.5, unit: "C", flags: [true]),
            Measurement(name: "humidity", value: nil, unit: "%", flags: []),
            Measurement(name: "wind", value: 3.25, unit: nil, flags: [false, true]),
        ],
        note: nil,
        parent: 17
    )
}
