/// x = max(x, 0) for `count` values, `V.scalarCount` at a time.
public func reluInPlace<V: SIMD>(_: V.Type, _ x: UnsafeMutablePointer<Float>, count: Int) where V.Scalar == Float {
    var i = 0
    while i &+ V.scalarCount <= count {
        var v: V = load(x + i)
        v.replace(with: 0, where: v .< 0)
        store(v, x + i)
        i &+= V.scalarCount
    }
    while i < count { x[i] = max(x[i], 0); i &+= 1 }
}
