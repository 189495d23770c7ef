import Foundation
import Glibc
@testable import Worker

/// A tiny HTTP/1.1 server on 127.0.0.1 for the client's tests (Linux sockets): each request
/// (keep-alive honoured) is recorded and answered by `handler`. Not a general server: requests
/// must carry their body with Content-Length, as libcurl sends them.
final class TestServer: Sendable {
    struct Request: Sendable {
        var method: String
        /// The request target: path and query, still percent-encoded.
        var target: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: Data
        /// Which accepted connection it came on (0, 1, …).
        var connection: Int

        var path: String { String(target.prefix { $0 != "?" }) }
        /// The query's items, decoded.
        var query: [String: String] {
            guard let q = target.firstIndex(of: "?") else { return [:] }
            var items: [String: String] = [:]
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                items[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            return items
        }
        var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: body) }
    }

    enum Reply: Sendable {
        case respond(status: Int, body: Data, headers: [String: String] = [:])
        /// Waits, then replies.
        case delayed(Duration, status: Int, body: Data)
        /// Resets the connection without a reply.
        case reset

        static func json(_ status: Int, _ value: JSONValue) -> Reply { .respond(status: status, body: value.data) }
        static func text(_ status: Int, _ text: String) -> Reply { .respond(status: status, body: Data(text.utf8)) }
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    /// Open connections are shut down and closed under the lock, so that no descriptor number is
    /// touched after the kernel may have given it to someone else.
    private let state = Locked<(requests: [Request], connections: Int, sockets: Set<Int32>, stopped: Bool)>(([], 0, [], false))

    init(_ handler: @escaping @Sendable (Request) -> Reply) {
        self.handler = handler
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                precondition(bind(listener, pointer, length) == 0 && listen(listener, 16) == 0)
                precondition(getsockname(listener, pointer, &length) == 0)
            }
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    var requests: [Request] { state.current.requests }
    var connections: Int { state.current.connections }

    /// Stops listening and ends every open connection (once; later calls do nothing).
    func stop() {
        state.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))          // wakes the accept loop, which closes it
            for socket in state.sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        while true {
            let socket = accept(listener, nil, nil)
            guard socket >= 0 else {
                close(listener)
                return
            }
            let connection = state.withLock { state -> Int? in
                guard !state.stopped else { return nil }
                state.sockets.insert(socket)
                state.connections += 1
                return state.connections - 1
            }
            guard let connection else {
                close(socket)
                close(listener)
                return
            }
            Thread.detachNewThread { [self] in serve(socket, connection: connection) }
        }
    }

    private func serve(_ socket: Int32, connection: Int) {
        var buffer = Data()
        defer {
            state.withLock { state in
                state.sockets.remove(socket)
                close(socket)
            }
        }
        while let request = readRequest(socket, &buffer, connection: connection) {
            state.withLock { $0.requests.append(request) }
            switch handler(request) {
            case .respond(let status, let body, let headers):
                guard send(socket, status: status, body: body, headers: headers) else { return }
            case .delayed(let wait, let status, let body):
                Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) * 1e-18)
                guard send(socket, status: status, body: body, headers: [:]) else { return }
            case .reset:
                var linger = linger(l_onoff: 1, l_linger: 0)            // close → RST
                setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                return
            }
        }
    }

    private func readRequest(_ socket: Int32, _ buffer: inout Data, connection: Int) -> Request? {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil { guard receive(socket, &buffer) else { return nil } }
        let end = buffer.range(of: separator)!
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeSubrange(..<end.upperBound)
        let line = head[0].split(separator: " ")
        var headers: [String: String] = [:]
        for field in head.dropFirst() {
            guard let colon = field.firstIndex(of: ":") else { continue }
            headers[field[..<colon].lowercased()] = field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { guard receive(socket, &buffer) else { return nil } }
        let body = Data(buffer.prefix(length))
        buffer.removeFirst(length)
        return Request(method: String(line[0]), target: String(line[1]), headers: headers, body: body, connection: connection)
    }

    private func receive(_ socket: Int32, _ buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }

    private func send(_ socket: Int32, status: Int, body: Data, headers: [String: String]) -> Bool {
        var head = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.count)\r\n"
        if !headers.keys.contains("Content-Type") { head += "Content-Type: application/json\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let bytes = Data((head + "\r\n").utf8) + body
        return bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(socket, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { return false }
                sent += n
            }
            return true
        }
    }
}
