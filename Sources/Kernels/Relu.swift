/// x = max(x, 0) for `count` values, `Lanes.scalarCount` at a time.
func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i &+ Lanes.scalarCount <= count {
        var v: Lanes = load(x + i)
        v.replace(with: Lanes(), where: v .< Lanes())
        store(v, x + i)
        i &+= Lanes.scalarCount
    }
    while i < count { x[i] = max(x[i], 0); i &+= 1 }
}
