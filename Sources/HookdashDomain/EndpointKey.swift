import Foundation
import Synchronization

/// The endpoint a webhook URL names, "scheme://host:port": deliveries to one endpoint share a
/// per-endpoint limit, whatever their paths. Here (not in the engine) because the store skips
/// a saturated endpoint's deliveries in SQL, with the same key (`DatabaseOpener`).
public enum EndpointKey {
    /// URL parsing is costly next to a loopback round trip; webhooks reuse a handful of URLs.
    private static let cache = Mutex<[String: String]>([:])

    public static func of(_ url: String) -> String {
        if let known = cache.withLock({ $0[url] }) { return known }
        let key = parse(url)
        cache.withLock { cache in
            if cache.count > 4096 { cache.removeAll() }
            cache[url] = key
        }
        return key
    }

    private static func parse(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        let scheme = components.scheme?.lowercased() ?? ""
        let port = components.port ?? (scheme == "http" ? 80 : 443)
        // Foundation keeps an IPv6 literal's brackets on some platforms and not on others.
        var host = components.host?.lowercased() ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
