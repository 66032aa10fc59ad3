import AXPSimCore
import ArgumentParser
import Logging

extension ClockMode: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {}
