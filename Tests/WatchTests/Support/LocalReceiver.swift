import Foundation
import Hummingbird
import Logging
import NIOCore

/// A webhook / EarthRanger stand-in on 127.0.0.1 (a random port): it answers requests from a
/// script, then with `fallback` (200 unless told otherwise), and records every request it got.
final class LocalReceiver: @unchecked Sendable {
  struct Received: Sendable {
    var method: String
    var path: String
    /// Header names lower-case.
    var headers: [String: String]
    var body: String
    /// The answer it was given (0 while a request is held by ``Answer/hang``).
    var status: Int
    /// When its body had arrived.
    var arrived: ContinuousClock.Instant
  }

  enum Answer: Sendable {
    case status(Int)
    /// 429 with a Retry-After header in seconds.
    case tooManyRequests(retryAfter: Int)
    /// A status (429, 503) with this Retry-After header value, as given ("0", an HTTP-date).
    case retryAfter(Int, header: String)
    /// A 4xx with a body.
    case refuse(Int, body: String)
    /// No answer at all: the request is held until the receiver stops.
    case hang
  }

  private let lock = NSLock()
  private var script: [Answer]
  private let fallback: Answer
  private var log: [Received] = []
  private var held = 0
  private var stopping = false
  private var task: Task<Void, any Error>?
  private(set) var port = 0

  init(script: [Answer], then fallback: Answer = .status(200)) {
    self.script = script
    self.fallback = fallback
  }

  var requests: [Received] { lock.withLock { log } }

  /// Requests being held without an answer right now.
  var hanging: Int { lock.withLock { held } }

  /// Answers for the requests to come, replacing what is left of the script.
  func setScript(_ answers: [Answer]) { lock.withLock { script = answers } }

  func start() async throws {
    let router = Router()
    let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = {
      [unowned self] request, _ in
      let body = try await request.body.collect(upTo: 1 << 20)
      return try await self.answer(request, body: String(buffer: body))
    }
    router.post("hook", use: handler)
    router.post("api/v1.0/activity/events", use: handler)
    router.patch("api/v1.0/activity/event/:id", use: handler)
    let ready = AsyncStream<Int>.makeStream()
    let app = Application(
      router: router,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in
        ready.continuation.yield(channel.localAddress?.port ?? 0)
        ready.continuation.finish()
      },
      logger: {
        var logger = Logger(label: "local-receiver")
        logger.logLevel = .critical
        return logger
      }())
    task = Task { try await app.runService(gracefulShutdownSignals: []) }
    for await p in ready.stream { port = p }
  }

  func stop() async {
    lock.withLock { stopping = true }
    task?.cancel()
    _ = await task?.result
  }

  var url: String { "http://127.0.0.1:\(port)" }

  private func answer(_ request: Request, body: String) async throws -> Response {
    var headers: [String: String] = [:]
    for field in request.headers { headers[field.name.canonicalName] = field.value }
    let next: Answer = lock.withLock { script.isEmpty ? fallback : script.removeFirst() }
    var received = Received(
      method: request.method.rawValue, path: request.uri.path, headers: headers, body: body,
      status: 0, arrived: .now)
    var response: Response
    switch next {
    case .status(let code):
      var text = "{}"
      if code == 201 || code == 200, request.method == .post, request.uri.path.contains("events") {
        text = #"{"data": {"id": "ev-\#(lock.withLock { log.count })"}}"#
      }
      response = Response(
        status: .init(code: code), body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    case .tooManyRequests(let seconds):
      response = Response(status: .tooManyRequests)
      response.headers[.retryAfter] = "\(seconds)"
    case .retryAfter(let code, let value):
      response = Response(status: .init(code: code))
      response.headers[.retryAfter] = value
    case .refuse(let code, let text):
      response = Response(
        status: .init(code: code), body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    case .hang:
      // Recorded on arrival (status 0), then held until the receiver stops.
      let index = lock.withLock {
        log.append(received)
        held += 1
        return log.count - 1
      }
      defer { lock.withLock { held -= 1 } }
      while !lock.withLock({ stopping }) {
        try await Task.sleep(for: .milliseconds(50))
      }
      lock.withLock { log[index].status = 503 }
      return Response(status: .serviceUnavailable)
    }
    received.status = Int(response.status.code)
    lock.withLock { log.append(received) }
    return response
  }
}
