// Start-up cost of the fully static worker (deploy/build-worker.sh links it with
// `--wrap=__register_frame_info --wrap=__deregister_frame_info`).
//
// A static, non-PIE executable starts with crtbeginT.o, which registers the whole `.eh_frame` with libgcc's
// unwinder. The first unwind (the Swift async main ends the main thread with `pthread_exit`, which unwinds it) then
// sorts every registered frame description: about 20 ms of CPU for this executable, on every worker start.
// Without the registration libgcc finds frames through `PT_GNU_EH_FRAME` (`dl_iterate_phdr`, which a static glibc
// has), a binary search in the table the linker already wrote. These two functions replace the registration and
// its undo with nothing; in any other build nothing calls them.

@_cdecl("__wrap___register_frame_info")
func skipFrameRegistration(_ begin: UnsafeRawPointer?, _ object: UnsafeMutableRawPointer?) {}

@_cdecl("__wrap___deregister_frame_info")
func skipFrameDeregistration(_ begin: UnsafeRawPointer?) -> UnsafeMutableRawPointer? { nil }
