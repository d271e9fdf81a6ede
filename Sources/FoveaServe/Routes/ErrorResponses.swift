import FoveaHTTP
import FoveaImage

/// The one place that decides which HTTP status and error code each failure
/// gets, so every route answers the same problem the same way.
enum ErrorResponses {
    static func httpError(for error: any Error) -> HTTPError {
        switch error {
        case let error as HTTPError:
            return error
        case let error as ImageDecodingError:
            return imageError(error)
        case let error as SchedulingError:
            return schedulingError(error)
        case let error as ModelPoolError:
            return poolError(error)
        case let error as ModelLoadingError:
            return HTTPError(.unprocessableContent, code: "model_load_failed", message: error.description)
        case let error as MultipartError:
            return HTTPError(.badRequest, code: "malformed_multipart", message: error.description)
        default:
            return HTTPError(.internalServerError, code: "internal_error", message: "The server failed to handle the request.")
        }
    }

    private static func imageError(_ error: ImageDecodingError) -> HTTPError {
        switch error {
        case .empty:
            HTTPError(.badRequest, code: "empty_image", message: error.description)
        case .unsupportedFormat:
            HTTPError(.unsupportedMediaType, code: "unsupported_image_format", message: error.description)
        case .truncated, .corrupt, .invalidDimensions:
            HTTPError(.unprocessableContent, code: "undecodable_image", message: error.description)
        case .tooManyPixels:
            HTTPError(.contentTooLarge, code: "image_too_large", message: error.description)
        case .outOfMemory:
            HTTPError(.serviceUnavailable, code: "overloaded", message: error.description, headers: ["Retry-After": "1"])
        }
    }

    private static func schedulingError(_ error: SchedulingError) -> HTTPError {
        switch error {
        case .queueFull, .stopped:
            // One second is about how long a full queue of a small model takes
            // to clear; clients with backoff will spread out from there.
            HTTPError(.serviceUnavailable, code: "overloaded", message: error.description, headers: ["Retry-After": "1"])
        case .deadlineExceeded:
            HTTPError(.gatewayTimeout, code: "deadline_exceeded", message: error.description)
        case .inferenceFailed:
            HTTPError(.internalServerError, code: "inference_failed", message: error.description)
        }
    }

    private static func poolError(_ error: ModelPoolError) -> HTTPError {
        switch error {
        case .unknownModel:
            HTTPError(.notFound, code: "model_not_found", message: error.description)
        case .noModels:
            HTTPError(.serviceUnavailable, code: "no_model", message: error.description, headers: ["Retry-After": "5"])
        case .alreadyLoaded, .activeModelCannotBeRemoved:
            HTTPError(.conflict, code: "conflict", message: error.description)
        }
    }
}
