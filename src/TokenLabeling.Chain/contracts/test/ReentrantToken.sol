// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test token that, once armed, calls back into a target (the escrow) from inside a transfer,
/// and records whether that re-entrant call succeeded.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public payload;
    bool public armed;
    bool public reentrySucceeded;
    uint256 public reentryAttempts;
    bytes public lastRevertData;

    constructor(address holder, uint256 supply) ERC20("Reentrant Token", "REE") {
        _mint(holder, supply);
    }

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (armed && from != address(0) && to != address(0)) {
            armed = false;
            reentryAttempts += 1;
            (bool ok, bytes memory data) = target.call(payload);
            if (ok) reentrySucceeded = true;
            else lastRevertData = data;
        }
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
