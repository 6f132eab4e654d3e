// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title LabelingEscrow
/// @notice Many labeling tasks in one contract, each with its own accounting: the requester's budget,
/// annotators' stakes, hidden labels (commit-reveal), settlement by on-chain plurality or by a posted
/// Merkle root of an off-chain settlement plan, pull claims, refunds, fees and an event for every change.
/// @dev Settlement arithmetic (fee, slash, reward, share, refund) follows the escrow settlement rule shared
/// with the off-chain engine: integer arithmetic, floor division, in the same order. Every amount of a task
/// fits in 128 bits (budget plus all stakes), so no sum of a task's amounts can overflow.
contract LabelingEscrow is AccessControlDefaultAdminRules, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice May settle tasks (on-chain plurality or Merkle root).
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @notice May record review verdicts on items flagged below the agreement threshold.
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_FEE_BPS = 2_500;
    /// @notice One item record packs a 16-bit count and fifteen 16-bit worker indices into one slot.
    uint256 public constant MAX_ANNOTATORS_PER_ITEM = 15;
    uint256 public constant MAX_WORKERS = 65_535;
    /// @notice After the reveal deadline plus this grace, an unsettled task can be unwound by anyone.
    uint256 public constant ABANDON_GRACE = 30 days;

    /// @dev A vote slot holds either a commitment (a keccak hash) or, once revealed, label + 1.
    /// A commitment below this bound is refused, so the two can never be confused.
    uint256 private constant REVEALED_BOUND = 1 << 16;

    /// @dev A worker record (`_workerSlots`) packs the task's token above bit 96 and the worker's index + 1 below it.
    /// The token is written at join (the slot is written then anyway), so a claim learns it from the record it must
    /// read to find the claimant, instead of reading the task's token slot.
    uint256 private constant RECORD_TOKEN_SHIFT = 96;
    uint256 private constant RECORD_INDEX_MASK = (1 << 96) - 1;

    /// @dev A task's claim state (`_claimStates`) packs the first 20 bytes of the posted Merkle root above bit 96
    /// and what the root may still pay out below it, so a claim reads and writes one slot.
    uint256 private constant UNCLAIMED_MASK = (1 << 96) - 1;

    enum TaskStatus {
        None,
        Open,
        Settled,
        MerkleSettled,
        Cancelled,
        Swept,
        Abandoned
    }

    /// @notice Parameters of a new task, as given by the requester.
    struct TaskParams {
        IERC20 token;
        uint256 budget;
        uint256 minStake;
        uint32 itemCount;
        uint8 labelCount;
        uint8 annotatorsPerItem;
        uint16 thresholdBps;
        uint16 slashBps;
        uint16 feeBps;
        uint40 commitDeadline;
        uint40 revealDeadline;
        uint40 claimWindow;
        bytes32 datasetHash;
        string datasetUri;
    }

    /// @notice Stored state of a task (packed: fields read together share a slot).
    struct TaskState {
        address requester;
        TaskStatus status;
        uint8 labelCount;
        uint8 annotatorsPerItem;
        uint16 thresholdBps;
        uint16 slashBps;
        uint16 feeBps;
        IERC20 token;
        uint40 commitDeadline;
        uint40 revealDeadline;
        uint32 itemCount;
        uint32 workerCount;
        uint32 commitCount;
        uint40 claimWindow;
        uint40 claimDeadline;
        uint64 payoutId;
        uint128 budget;
        uint128 totalStake;
        // What the requester and the treasury can withdraw. Until settlement the requester is owed the whole
        // budget (that is what a cancellation returns), which also keeps the slot warm for the settlement.
        uint128 refundDue;
        uint128 feeDue;
        uint128 minStake;
        bytes32 datasetHash;
    }

    /// @notice One annotator of a task.
    struct Worker {
        address account;
        uint128 stake;
    }

    /// @notice One claim of a Merkle settlement leaf.
    struct ClaimRequest {
        uint256 taskId;
        uint256 index;
        uint256 amount;
        bytes32[] proof;
    }

    /// @notice Outcome of one worker in an on-chain settlement.
    struct WorkerOutcome {
        uint256 committed;
        uint256 revealed;
        uint256 agreed;
        uint256 slash;
    }

    address public treasury;
    uint256 public taskCount;

    mapping(uint256 taskId => TaskState) private _tasks;
    mapping(uint256 taskId => mapping(uint256 index => Worker)) private _workers;
    /// @dev (token << 96) | (index + 1); zero if the account never joined, and zero again once it has claimed its
    /// Merkle leaf (clearing the record is the "claimed" flag and earns the storage refund).
    mapping(uint256 taskId => mapping(address account => uint256 record)) private _workerSlots;
    mapping(uint256 taskId => mapping(uint256 item => uint256 record)) private _items;
    mapping(uint256 taskId => mapping(uint256 item => mapping(uint256 worker => uint256 vote))) private _votes;
    mapping(IERC20 token => mapping(address account => uint256 amount)) private _balances;
    /// @dev (first 20 bytes of the Merkle root << 96) | unclaimed; zero until a root is posted and after the sweep.
    mapping(uint256 taskId => uint256 state) private _claimStates;

    event TaskCreated(
        uint256 indexed taskId, address indexed requester, address indexed token, uint256 budget, TaskParams params
    );
    event WorkerJoined(uint256 indexed taskId, address indexed worker, uint256 workerIndex, uint256 stake);
    event LabelCommitted(uint256 indexed taskId, address indexed worker, uint256 item, bytes32 commitment);
    event LabelRevealed(uint256 indexed taskId, address indexed worker, uint256 item, uint256 label);
    event ItemFlagged(uint256 indexed taskId, uint256 item, uint256 topLabel, uint256 topVotes, uint256 votes);
    event ItemReviewed(uint256 indexed taskId, uint256 item, uint256 label, address indexed arbiter);
    event WorkerSettled(
        uint256 indexed taskId, address indexed worker, uint256 payout, uint256 slash, uint256 reward, uint256 share
    );
    event TaskSettled(uint256 indexed taskId, uint64 payoutId, uint256 totalPayout, uint256 refund, uint256 fee);
    event MerkleSettlementPosted(
        uint256 indexed taskId,
        uint64 payoutId,
        bytes32 root,
        uint256 totalPayout,
        uint256 refund,
        uint256 fee,
        uint256 claimDeadline
    );
    /// @notice One Merkle leaf paid by {claim}: `accountAndAmount` = (uint160(account) << 96) | amount (a claim
    /// never exceeds the task's 96-bit unclaimed total, so one data word carries both).
    event Claimed(uint256 indexed taskId, uint256 accountAndAmount);
    /// @notice Leaves of several tasks paid to one account by {claimMany}, one event for the whole batch: each
    /// entry of `taskIdsAndAmounts` is (taskId << 96) | amount.
    event ClaimedMany(address indexed account, uint256[] taskIdsAndAmounts);
    event Swept(uint256 indexed taskId, address indexed requester, uint256 amount);
    event RefundWithdrawn(uint256 indexed taskId, address indexed requester, uint256 amount);
    event FeeWithdrawn(uint256 indexed taskId, address indexed treasury, uint256 amount);
    event StakeReturned(uint256 indexed taskId, address indexed worker, uint256 amount);
    event TaskCancelled(uint256 indexed taskId, uint256 refund);
    event TaskAbandoned(uint256 indexed taskId, uint256 refund);
    event Withdrawn(address indexed token, address indexed account, uint256 amount);
    event TreasuryChanged(address indexed previous, address indexed current);

    error InvalidParameter(string name);
    error AmountTooLarge(uint256 amount);
    error NothingReceived();
    error UnknownTask(uint256 taskId);
    error WrongStatus(uint256 taskId, TaskStatus status);
    error NotRequester(uint256 taskId, address caller);
    error TooEarly(uint256 now_, uint256 opensAt);
    error TooLate(uint256 now_, uint256 closedAt);
    error AlreadyJoined(uint256 taskId, address worker);
    error StakeTooLow(uint256 received, uint256 minStake);
    error TaskFull(uint256 taskId);
    error NotAWorker(uint256 taskId, address caller);
    error LengthMismatch();
    error ItemOutOfRange(uint256 item, uint256 itemCount);
    error LabelOutOfRange(uint256 label, uint256 labelCount);
    error ItemFull(uint256 taskId, uint256 item);
    error AlreadyCommitted(uint256 taskId, uint256 item, address worker);
    error InvalidCommitment(bytes32 commitment);
    error NothingToReveal(uint256 taskId, uint256 item, address worker);
    error CommitmentMismatch(uint256 taskId, uint256 item, address worker);
    error PayoutIdAlreadyApplied(uint256 taskId, uint64 payoutId);
    error InvalidPayoutId();
    error BooksDoNotBalance(uint256 totalPayout, uint256 refund, uint256 fee, uint256 held);
    error FeeMismatch(uint256 fee, uint256 expected);
    error AlreadyClaimed(uint256 taskId, address account);
    error WrongWorkerIndex(uint256 taskId, address account, uint256 leafIndex, uint256 workerIndex);
    error PayoutTotalTooLarge(uint256 totalPayout, uint256 max);
    error InvalidProof(uint256 taskId, address account);
    error ClaimsNotOpen(uint256 taskId);
    error ClaimExceedsUnclaimed(uint256 taskId, uint256 amount, uint256 unclaimed);
    error TokenMismatch(uint256 taskId);
    error NothingToWithdraw();
    error ZeroAddress();

    /// @param admin Default admin (two-step handover, no delay at deployment; the admin can set one).
    /// @param treasury_ Receives platform fees.
    constructor(address admin, address treasury_) AccessControlDefaultAdminRules(0, admin) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasuryChanged(address(0), treasury_);
    }

    // ---------------------------------------------------------------- requester

    /// @notice Creates a task and escrows its budget, credited by the measured balance change.
    function createTask(TaskParams calldata p) external nonReentrant returns (uint256 taskId) {
        return _createTask(p);
    }

    /// @notice Same as {createTask}, approving the budget with an EIP-2612 permit first. A permit that fails
    /// (for example because it was front-run and already used) is ignored: the transfer decides.
    function createTaskWithPermit(TaskParams calldata p, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        returns (uint256 taskId)
    {
        try IERC20Permit(address(p.token)).permit(msg.sender, address(this), p.budget, deadline, v, r, s) {} catch {}
        return _createTask(p);
    }

    /// @notice Cancels a task on which no label has been committed yet: the budget goes back to the requester
    /// and every stake is credited back to its worker.
    function cancelTask(uint256 taskId) external nonReentrant {
        TaskState storage t = _openTask(taskId);
        if (msg.sender != t.requester) revert NotRequester(taskId, msg.sender);
        if (t.commitCount != 0) revert WrongStatus(taskId, t.status);
        t.status = TaskStatus.Cancelled;
        uint256 refund = _unwind(taskId, t);
        emit TaskCancelled(taskId, refund);
        t.token.safeTransfer(t.requester, refund);
    }

    /// @notice Unwinds a task that nobody settled within {ABANDON_GRACE} after its reveal deadline:
    /// budget back to the requester, stakes back to the workers. Anyone may call it.
    function reclaimAbandoned(uint256 taskId) external nonReentrant {
        TaskState storage t = _openTask(taskId);
        uint256 opensAt = uint256(t.revealDeadline) + ABANDON_GRACE;
        if (block.timestamp < opensAt) revert TooEarly(block.timestamp, opensAt);
        t.status = TaskStatus.Abandoned;
        uint256 refund = _unwind(taskId, t);
        emit TaskAbandoned(taskId, refund);
        t.token.safeTransfer(t.requester, refund);
    }

    /// @notice Pays the requester's settlement refund (pool dust, slashes nobody earned, rewards held back).
    function withdrawRefund(uint256 taskId) external nonReentrant {
        TaskState storage t = _task(taskId);
        if (t.status != TaskStatus.Settled && t.status != TaskStatus.MerkleSettled && t.status != TaskStatus.Swept) {
            revert WrongStatus(taskId, t.status);
        }
        uint256 amount = t.refundDue;
        if (amount == 0) revert NothingToWithdraw();
        t.refundDue = 0;
        emit RefundWithdrawn(taskId, t.requester, amount);
        t.token.safeTransfer(t.requester, amount);
    }

    /// @notice Pays a settled task's platform fee to the treasury.
    function withdrawFee(uint256 taskId) external nonReentrant {
        TaskState storage t = _task(taskId);
        uint256 amount = t.feeDue;
        if (amount == 0) revert NothingToWithdraw();
        t.feeDue = 0;
        address to = treasury;
        emit FeeWithdrawn(taskId, to, amount);
        t.token.safeTransfer(to, amount);
    }

    // ---------------------------------------------------------------- annotators

    /// @notice Joins a task with a stake of at least its minimum, credited by the measured balance change.
    function join(uint256 taskId, uint256 amount) external nonReentrant {
        _join(taskId, amount);
    }

    /// @notice Same as {join}, approving the stake with an EIP-2612 permit first (a failed permit is ignored).
    function joinWithPermit(uint256 taskId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        IERC20 token = _task(taskId).token;
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _join(taskId, amount);
    }

    /// @notice Commits hidden labels. Each commitment is {commitmentOf}(chain, this contract, task, item,
    /// sender, label, salt), so a commitment copied by another address can never be revealed by it.
    function commit(uint256 taskId, uint32[] calldata items, bytes32[] calldata commitments) external {
        if (items.length != commitments.length || items.length == 0) revert LengthMismatch();
        TaskState storage t = _openTask(taskId);
        if (block.timestamp >= t.commitDeadline) revert TooLate(block.timestamp, t.commitDeadline);
        uint256 worker = _workerIndex(taskId, msg.sender);
        uint256 itemCount = t.itemCount;
        uint256 perItem = t.annotatorsPerItem;
        for (uint256 k; k < items.length; ++k) {
            _commitOne(taskId, worker, items[k], commitments[k], itemCount, perItem);
        }
        t.commitCount += uint32(items.length);
    }

    /// @notice Reveals labels committed earlier; the reveal window is [commit deadline, reveal deadline).
    function reveal(uint256 taskId, uint32[] calldata items, uint8[] calldata labels, bytes32[] calldata salts)
        external
    {
        if (items.length != labels.length || items.length != salts.length || items.length == 0) {
            revert LengthMismatch();
        }
        TaskState storage t = _openTask(taskId);
        if (block.timestamp < t.commitDeadline) revert TooEarly(block.timestamp, t.commitDeadline);
        if (block.timestamp >= t.revealDeadline) revert TooLate(block.timestamp, t.revealDeadline);
        uint256 worker = _workerIndex(taskId, msg.sender);
        uint256 labelCount = t.labelCount;
        for (uint256 k; k < items.length; ++k) {
            _revealOne(taskId, worker, items[k], labels[k], salts[k], labelCount);
        }
    }

    /// @notice Pays the caller everything credited to it in `token` (on-chain settlements, returned stakes),
    /// across all tasks, with one transfer.
    function withdraw(IERC20 token) external nonReentrant {
        uint256 amount = _balances[token][msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        _balances[token][msg.sender] = 0;
        emit Withdrawn(address(token), msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Settles a task by plurality per item over the revealed labels. An item is accepted when its
    /// plurality label is unique and its votes reach `thresholdBps` of the labels committed on it; other items
    /// are flagged for review and excluded from every worker's counts. Payouts are credited to the workers'
    /// balances (see {withdraw}); refund and fee become withdrawable.
    /// @param payoutId Idempotency key chosen by the settler (non-zero): a retry of an applied payout reverts
    /// with {PayoutIdAlreadyApplied} and moves nothing.
    function settleOnChain(uint256 taskId, uint64 payoutId) external onlyRole(SETTLER_ROLE) {
        TaskState storage t = _settleableTask(taskId, payoutId);
        WorkerOutcome[] memory outcomes = _tally(taskId, t);
        (uint256 totalPayout, uint256 refund, uint256 fee) = _distribute(taskId, t, outcomes);
        t.status = TaskStatus.Settled;
        t.payoutId = payoutId;
        t.refundDue = uint128(refund);
        t.feeDue = uint128(fee);
        emit TaskSettled(taskId, payoutId, totalPayout, refund, fee);
    }

    /// @notice Posts the Merkle root and totals of a settlement plan computed off chain. Costs O(1) gas
    /// whatever the number of annotators; each annotator then pulls its payout with {claim} or {claimMany}.
    /// @dev Leaves are keccak256(bytes.concat(keccak256(abi.encode(taskId, index, account, amount)))), where
    /// `index` is the worker's join index, pairs hashed in sorted order (OpenZeppelin MerkleProof). The books must
    /// balance: totalPayout + refund + fee equals budget + stakes, and the fee is the task's fee rate applied to the
    /// budget. Only the root's first 20 bytes are stored, next to the unclaimed total (one slot for claims to touch):
    /// forging a proof against them is a 160-bit preimage search, and whatever tree a settler posts, claims can never
    /// pay more than `totalPayout`, which therefore must fit in 96 bits.
    function postMerkleSettlement(
        uint256 taskId,
        uint64 payoutId,
        bytes32 root,
        uint256 totalPayout,
        uint256 refund,
        uint256 fee
    ) external onlyRole(SETTLER_ROLE) {
        TaskState storage t = _settleableTask(taskId, payoutId);
        if (uint256(root) >> 96 == 0) revert InvalidParameter("root");
        uint256 budget = t.budget;
        uint256 expectedFee = budget * t.feeBps / BPS;
        if (fee != expectedFee) revert FeeMismatch(fee, expectedFee);
        uint256 held = budget + t.totalStake;
        // Each term is bounded before the sum so that the check itself cannot overflow.
        if (totalPayout > held || refund > held || totalPayout + refund + fee != held) {
            revert BooksDoNotBalance(totalPayout, refund, fee, held);
        }
        if (totalPayout > type(uint96).max) revert PayoutTotalTooLarge(totalPayout, type(uint96).max);
        uint256 claimDeadline = block.timestamp + t.claimWindow;
        t.status = TaskStatus.MerkleSettled;
        t.payoutId = payoutId;
        t.claimDeadline = uint40(claimDeadline);
        t.refundDue = uint128(refund);
        t.feeDue = uint128(fee);
        _claimStates[taskId] = (uint256(root) & ~UNCLAIMED_MASK) | totalPayout;
        emit MerkleSettlementPosted(taskId, payoutId, root, totalPayout, refund, fee, claimDeadline);
    }

    /// @notice Claims one Merkle settlement leaf; the payout always goes to `account`, which must have joined
    /// the task at the leaf's index.
    function claim(uint256 taskId, uint256 index, address account, uint256 amount, bytes32[] calldata proof)
        external
        nonReentrant
    {
        IERC20 token = _claimLeaf(taskId, index, account, amount, proof);
        emit Claimed(taskId, (uint256(uint160(account)) << 96) | amount);
        token.safeTransfer(account, amount);
    }

    /// @notice Claims leaves of several tasks for one account with a single transfer and a single event. All
    /// tasks must share one token.
    function claimMany(address account, ClaimRequest[] calldata claims) external nonReentrant {
        uint256 n = claims.length;
        if (n == 0) revert LengthMismatch();
        uint256[] memory taskIdsAndAmounts = new uint256[](n);
        IERC20 token;
        uint256 total;
        for (uint256 k; k < n; ++k) {
            ClaimRequest calldata c = claims[k];
            IERC20 taskToken = _claimLeaf(c.taskId, c.index, account, c.amount, c.proof);
            if (k == 0) token = taskToken;
            else if (taskToken != token) revert TokenMismatch(c.taskId);
            // A claimed task exists, so its id is far below 2^160; the amount fits in 96 bits (see _claimLeaf).
            taskIdsAndAmounts[k] = (c.taskId << 96) | c.amount;
            total += c.amount;
        }
        emit ClaimedMany(account, taskIdsAndAmounts);
        token.safeTransfer(account, total);
    }

    /// @notice After the claim deadline, returns what annotators left unclaimed to the requester and closes
    /// the claims. Anyone may call it.
    function sweep(uint256 taskId) external nonReentrant {
        TaskState storage t = _task(taskId);
        if (t.status != TaskStatus.MerkleSettled) revert WrongStatus(taskId, t.status);
        if (block.timestamp < t.claimDeadline) revert TooEarly(block.timestamp, t.claimDeadline);
        uint256 amount = _claimStates[taskId] & UNCLAIMED_MASK;
        t.status = TaskStatus.Swept;
        _claimStates[taskId] = 0;
        emit Swept(taskId, t.requester, amount);
        if (amount != 0) t.token.safeTransfer(t.requester, amount);
    }

    /// @notice Records an arbiter's verdict on an item of a settled task (for the audit trail; payouts of a
    /// settled task do not change).
    function reviewItem(uint256 taskId, uint256 item, uint256 label) external onlyRole(ARBITER_ROLE) {
        TaskState storage t = _task(taskId);
        if (t.status != TaskStatus.Settled && t.status != TaskStatus.MerkleSettled && t.status != TaskStatus.Swept) {
            revert WrongStatus(taskId, t.status);
        }
        if (item >= t.itemCount) revert ItemOutOfRange(item, t.itemCount);
        if (label >= t.labelCount) revert LabelOutOfRange(label, t.labelCount);
        emit ItemReviewed(taskId, item, label, msg.sender);
    }

    /// @notice Changes the fee treasury.
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        emit TreasuryChanged(treasury, treasury_);
        treasury = treasury_;
    }

    // ---------------------------------------------------------------- views

    /// @notice The commitment of `label` with `salt`, bound to this chain, this contract, the task, the item
    /// and the worker.
    function commitmentOf(uint256 taskId, uint256 item, address worker, uint256 label, bytes32 salt)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), taskId, item, worker, label, salt));
    }

    /// @notice The Merkle leaf of a settlement entry.
    function leafOf(uint256 taskId, uint256 index, address account, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(taskId, index, account, amount))));
    }

    function getTask(uint256 taskId) external view returns (TaskState memory) {
        return _tasks[taskId];
    }

    /// @notice The first 20 bytes of a task's posted Merkle root and what claims may still pay out of it
    /// (both zero before the post and after the sweep).
    function claimStateOf(uint256 taskId) external view returns (bytes20 merkleRootPrefix, uint256 unclaimed) {
        uint256 state = _claimStates[taskId];
        return (bytes20(bytes32(state & ~UNCLAIMED_MASK)), state & UNCLAIMED_MASK);
    }

    function workerAt(uint256 taskId, uint256 index) external view returns (Worker memory) {
        return _workers[taskId][index];
    }

    /// @notice The worker's index in the task plus one; zero if it has not joined, or once it has claimed its
    /// Merkle settlement leaf (see {isClaimed}).
    function workerSlotOf(uint256 taskId, address account) external view returns (uint256) {
        return _workerSlots[taskId][account] & RECORD_INDEX_MASK;
    }

    /// @notice The raw vote of a worker on an item: 0 = none, below 2^16 = revealed label + 1, else commitment.
    function voteOf(uint256 taskId, uint256 item, uint256 workerIndex) external view returns (uint256) {
        return _votes[taskId][item][workerIndex];
    }

    /// @notice The worker indices that committed on an item, in commit order.
    function itemWorkers(uint256 taskId, uint256 item) external view returns (uint256[] memory workers) {
        uint256 record = _items[taskId][item];
        workers = new uint256[](record & 0xffff);
        for (uint256 p; p < workers.length; ++p) {
            workers[p] = (record >> (16 + 16 * p)) & 0xffff;
        }
    }

    /// @notice Whether the worker that joined `taskId` at `index` as `account` has claimed its Merkle leaf.
    function isClaimed(uint256 taskId, uint256 index, address account) external view returns (bool) {
        TaskState storage t = _tasks[taskId];
        if (t.status != TaskStatus.MerkleSettled && t.status != TaskStatus.Swept) return false;
        return _workerSlots[taskId][account] == 0 && index < t.workerCount && _workers[taskId][index].account == account;
    }

    /// @notice Amount credited to `account` in `token` and not yet withdrawn.
    function balanceOf(IERC20 token, address account) external view returns (uint256) {
        return _balances[token][account];
    }

    // ---------------------------------------------------------------- internals

    function _createTask(TaskParams calldata p) private returns (uint256 taskId) {
        if (address(p.token) == address(0)) revert InvalidParameter("token");
        if (p.budget == 0) revert InvalidParameter("budget");
        if (p.itemCount == 0) revert InvalidParameter("itemCount");
        if (p.labelCount < 2) revert InvalidParameter("labelCount");
        if (p.annotatorsPerItem == 0 || p.annotatorsPerItem > MAX_ANNOTATORS_PER_ITEM) {
            revert InvalidParameter("annotatorsPerItem");
        }
        if (p.thresholdBps > BPS) revert InvalidParameter("thresholdBps");
        if (p.slashBps > BPS) revert InvalidParameter("slashBps");
        if (p.feeBps > MAX_FEE_BPS) revert InvalidParameter("feeBps");
        if (p.commitDeadline <= block.timestamp) revert InvalidParameter("commitDeadline");
        if (p.revealDeadline <= p.commitDeadline) revert InvalidParameter("revealDeadline");
        if (p.claimWindow == 0) revert InvalidParameter("claimWindow");
        if (p.minStake > type(uint128).max) revert AmountTooLarge(p.minStake);

        uint256 received = _pull(p.token, p.budget);
        if (received == 0) revert NothingReceived();
        if (received > type(uint128).max) revert AmountTooLarge(received);

        taskId = ++taskCount;
        TaskState storage t = _tasks[taskId];
        t.requester = msg.sender;
        t.status = TaskStatus.Open;
        t.labelCount = p.labelCount;
        t.annotatorsPerItem = p.annotatorsPerItem;
        t.thresholdBps = p.thresholdBps;
        t.slashBps = p.slashBps;
        t.feeBps = p.feeBps;
        t.token = p.token;
        t.commitDeadline = p.commitDeadline;
        t.revealDeadline = p.revealDeadline;
        t.itemCount = p.itemCount;
        t.claimWindow = p.claimWindow;
        t.budget = uint128(received);
        t.refundDue = uint128(received);
        t.minStake = uint128(p.minStake);
        t.datasetHash = p.datasetHash;
        emit TaskCreated(taskId, msg.sender, address(p.token), received, p);
    }

    function _join(uint256 taskId, uint256 amount) private {
        TaskState storage t = _openTask(taskId);
        if (block.timestamp >= t.commitDeadline) revert TooLate(block.timestamp, t.commitDeadline);
        if (_workerSlots[taskId][msg.sender] != 0) revert AlreadyJoined(taskId, msg.sender);
        uint256 index = t.workerCount;
        if (index >= MAX_WORKERS) revert TaskFull(taskId);
        uint256 received = amount == 0 ? 0 : _pull(t.token, amount);
        if (received < t.minStake) revert StakeTooLow(received, t.minStake);
        uint256 totalStake = uint256(t.totalStake) + received;
        // Budget plus all stakes must fit in 128 bits so that every sum in the settlement does.
        if (totalStake + t.budget > type(uint128).max) revert AmountTooLarge(received);
        t.totalStake = uint128(totalStake);
        t.workerCount = uint32(index + 1);
        _workers[taskId][index] = Worker(msg.sender, uint128(received));
        _workerSlots[taskId][msg.sender] = (uint256(uint160(address(t.token))) << RECORD_TOKEN_SHIFT) | (index + 1);
        emit WorkerJoined(taskId, msg.sender, index, received);
    }

    /// @dev Transfers `amount` in and returns what actually arrived, so that fee-on-transfer tokens cannot
    /// credit more than the contract holds.
    function _pull(IERC20 token, uint256 amount) private returns (uint256) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        return token.balanceOf(address(this)) - before;
    }

    function _unwind(uint256 taskId, TaskState storage t) private returns (uint256 refund) {
        refund = t.refundDue;
        t.refundDue = 0;
        IERC20 token = t.token;
        uint256 workers = t.workerCount;
        for (uint256 i; i < workers; ++i) {
            Worker storage w = _workers[taskId][i];
            uint256 stake = w.stake;
            if (stake != 0) {
                _balances[token][w.account] += stake;
                emit StakeReturned(taskId, w.account, stake);
            }
        }
    }

    function _commitOne(
        uint256 taskId,
        uint256 worker,
        uint256 item,
        bytes32 commitment,
        uint256 itemCount,
        uint256 perItem
    ) private {
        if (item >= itemCount) revert ItemOutOfRange(item, itemCount);
        if (uint256(commitment) < REVEALED_BOUND) revert InvalidCommitment(commitment);
        mapping(uint256 => uint256) storage votes = _votes[taskId][item];
        if (votes[worker] != 0) revert AlreadyCommitted(taskId, item, msg.sender);
        uint256 record = _items[taskId][item];
        uint256 count = record & 0xffff;
        if (count >= perItem) revert ItemFull(taskId, item);
        _items[taskId][item] = (record | (worker << (16 + 16 * count))) + 1;
        votes[worker] = uint256(commitment);
        emit LabelCommitted(taskId, msg.sender, item, commitment);
    }

    function _revealOne(uint256 taskId, uint256 worker, uint256 item, uint256 label, bytes32 salt, uint256 labelCount)
        private
    {
        if (label >= labelCount) revert LabelOutOfRange(label, labelCount);
        mapping(uint256 => uint256) storage votes = _votes[taskId][item];
        uint256 stored = votes[worker];
        if (stored < REVEALED_BOUND) revert NothingToReveal(taskId, item, msg.sender);
        if (uint256(commitmentOf(taskId, item, msg.sender, label, salt)) != stored) {
            revert CommitmentMismatch(taskId, item, msg.sender);
        }
        votes[worker] = label + 1;
        emit LabelRevealed(taskId, msg.sender, item, label);
    }

    function _task(uint256 taskId) private view returns (TaskState storage t) {
        t = _tasks[taskId];
        if (t.status == TaskStatus.None) revert UnknownTask(taskId);
    }

    function _openTask(uint256 taskId) private view returns (TaskState storage t) {
        t = _task(taskId);
        if (t.status != TaskStatus.Open) revert WrongStatus(taskId, t.status);
    }

    function _settleableTask(uint256 taskId, uint64 payoutId) private view returns (TaskState storage t) {
        if (payoutId == 0) revert InvalidPayoutId();
        t = _task(taskId);
        if (t.status != TaskStatus.Open) {
            if (t.payoutId == payoutId) revert PayoutIdAlreadyApplied(taskId, payoutId);
            revert WrongStatus(taskId, t.status);
        }
        if (block.timestamp < t.revealDeadline) revert TooEarly(block.timestamp, t.revealDeadline);
    }

    function _workerIndex(uint256 taskId, address account) private view returns (uint256) {
        uint256 indexPlusOne = _workerSlots[taskId][account] & RECORD_INDEX_MASK;
        if (indexPlusOne == 0) revert NotAWorker(taskId, account);
        return indexPlusOne - 1;
    }

    /// @dev Plurality per item. Counts committed, revealed and agreeing labels of accepted items per worker.
    function _tally(uint256 taskId, TaskState storage t) private returns (WorkerOutcome[] memory outcomes) {
        outcomes = new WorkerOutcome[](t.workerCount);
        uint256[] memory votesPerLabel = new uint256[](t.labelCount);
        uint256 itemCount = t.itemCount;
        uint256 thresholdBps = t.thresholdBps;
        for (uint256 item; item < itemCount; ++item) {
            _tallyItem(taskId, item, thresholdBps, outcomes, votesPerLabel);
        }
    }

    function _tallyItem(
        uint256 taskId,
        uint256 item,
        uint256 thresholdBps,
        WorkerOutcome[] memory outcomes,
        uint256[] memory votesPerLabel
    ) private {
        uint256 record = _items[taskId][item];
        uint256 count = record & 0xffff;
        mapping(uint256 => uint256) storage votes = _votes[taskId][item];
        uint256 topLabel;
        uint256 topVotes;
        bool tie;
        for (uint256 p; p < count; ++p) {
            uint256 vote = votes[(record >> (16 + 16 * p)) & 0xffff];
            if (vote == 0 || vote >= REVEALED_BOUND) continue;
            uint256 n = ++votesPerLabel[vote - 1];
            if (n > topVotes) {
                topVotes = n;
                topLabel = vote - 1;
                tie = false;
            } else if (n == topVotes) {
                tie = true;
            }
        }
        bool accepted = topVotes != 0 && !tie && topVotes * BPS >= thresholdBps * count;
        for (uint256 p; p < count; ++p) {
            uint256 worker = (record >> (16 + 16 * p)) & 0xffff;
            uint256 vote = votes[worker];
            bool revealed = vote != 0 && vote < REVEALED_BOUND;
            if (revealed) votesPerLabel[vote - 1] = 0;
            if (accepted) {
                WorkerOutcome memory o = outcomes[worker];
                o.committed += 1;
                if (revealed) {
                    o.revealed += 1;
                    if (vote - 1 == topLabel) o.agreed += 1;
                }
            }
        }
        if (!accepted) emit ItemFlagged(taskId, item, topLabel, topVotes, count);
    }

    /// @dev Running sums of an on-chain settlement.
    struct Totals {
        uint256 pool;
        uint256 slash;
        uint256 agreed;
        uint256 rewards;
        uint256 shares;
        uint256 payout;
    }

    /// @dev The settlement rule: fee, pool, slashes, rewards and shares pro rata to agreeing labels,
    /// refund of everything not paid out. Credits each worker's payout to its balance.
    function _distribute(uint256 taskId, TaskState storage t, WorkerOutcome[] memory outcomes)
        private
        returns (uint256 totalPayout, uint256 refund, uint256 fee)
    {
        uint256 budget = t.budget;
        fee = budget * t.feeBps / BPS;
        Totals memory sums;
        sums.pool = budget - fee;
        _slashAll(taskId, t.slashBps, outcomes, sums);
        IERC20 token = t.token;
        for (uint256 i; i < outcomes.length; ++i) {
            _payWorker(taskId, i, token, outcomes[i], sums);
        }
        totalPayout = sums.payout;
        refund = sums.pool - sums.rewards + sums.slash - sums.shares;
    }

    /// @dev slash_i = stake_i * slashBps * (wrong_i + missed_i) / (10000 * committed_i), one mulDiv, floor.
    function _slashAll(uint256 taskId, uint256 slashBps, WorkerOutcome[] memory outcomes, Totals memory sums)
        private
        view
    {
        for (uint256 i; i < outcomes.length; ++i) {
            WorkerOutcome memory o = outcomes[i];
            if (o.committed != 0) {
                o.slash = Math.mulDiv(_workers[taskId][i].stake, slashBps * (o.committed - o.agreed), BPS * o.committed);
                sums.slash += o.slash;
            }
            sums.agreed += o.agreed;
        }
    }

    function _payWorker(uint256 taskId, uint256 i, IERC20 token, WorkerOutcome memory o, Totals memory sums)
        private
    {
        Worker storage w = _workers[taskId][i];
        uint256 reward;
        uint256 share;
        if (sums.agreed != 0) {
            reward = Math.mulDiv(sums.pool, o.agreed, sums.agreed);
            share = Math.mulDiv(sums.slash, o.agreed, sums.agreed);
        }
        sums.rewards += reward;
        sums.shares += share;
        uint256 payout = w.stake - o.slash + reward + share;
        sums.payout += payout;
        address account = w.account;
        if (payout != 0) _balances[token][account] += payout;
        emit WorkerSettled(taskId, account, payout, o.slash, reward, share);
    }

    /// @dev Verifies a leaf, pays it out of the task's unclaimed total and marks it claimed; returns the task's
    /// token. Storage touched: the task's claim slot (root prefix + unclaimed: one cold read, one write) and the
    /// claimant's worker record (one cold read, cleared). Clearing it is the "claimed" flag: a second claim of the
    /// same (task, account) finds no record, and the nonzero-to-zero write earns the storage refund, so the flag
    /// costs almost nothing. Nothing reads a record after a Merkle settlement except the views (joining, committing
    /// and revealing need an open task; cancelling and abandoning read `_workers`).
    function _claimLeaf(uint256 taskId, uint256 index, address account, uint256 amount, bytes32[] calldata proof)
        private
        returns (IERC20)
    {
        // Each slot's address is computed once and used for both its read and its write.
        uint256 stateSlot = _mappingSlot(taskId, _claimStatesSlot());
        uint256 state = _load(stateSlot);
        if (state >> 96 == 0) revert ClaimsNotOpen(taskId);
        bytes32 root = _processProof(_leafHash(taskId, index, account, amount), proof);
        if ((uint256(root) ^ state) >> 96 != 0) revert InvalidProof(taskId, account);
        uint256 recordSlot = _mappingSlot(uint256(uint160(account)), _mappingSlot(taskId, _workerSlotsSlot()));
        uint256 record = _load(recordSlot);
        if (index >= MAX_WORKERS || record & RECORD_INDEX_MASK != index + 1) _refuseClaim(taskId, index, account, record);
        uint256 unclaimed = state & UNCLAIMED_MASK;
        // A root whose leaves add up to more than its posted total cannot pay out more than that total.
        if (amount > unclaimed) revert ClaimExceedsUnclaimed(taskId, amount, unclaimed);
        // amount <= unclaimed: the subtraction stays within the low 96 bits and leaves the root prefix intact.
        _store(stateSlot, state - amount);
        _store(recordSlot, 0);
        return IERC20(address(uint160(record >> RECORD_TOKEN_SHIFT)));
    }

    /// @dev The storage slot of `map[key]` for a mapping at `mapSlot` with a value-type key (Solidity's layout:
    /// keccak256(key . mapSlot)).
    function _mappingSlot(uint256 key, uint256 mapSlot) private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            mstore(0x00, key)
            mstore(0x20, mapSlot)
            slot := keccak256(0x00, 0x40)
        }
    }

    function _claimStatesSlot() private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            slot := _claimStates.slot
        }
    }

    function _workerSlotsSlot() private pure returns (uint256 slot) {
        assembly ("memory-safe") {
            slot := _workerSlots.slot
        }
    }

    function _load(uint256 slot) private view returns (uint256 value) {
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }

    function _store(uint256 slot, uint256 value) private {
        assembly ("memory-safe") {
            sstore(slot, value)
        }
    }

    /// @dev {leafOf} without its memory allocations: the four words are written past the free memory pointer
    /// (scratch, never reused) and the inner hash goes through the scratch slot at 0x00.
    function _leafHash(uint256 taskId, uint256 index, address account, uint256 amount)
        private
        pure
        returns (bytes32 leaf)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, taskId)
            mstore(add(m, 0x20), index)
            mstore(add(m, 0x40), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x60), amount)
            mstore(0x00, keccak256(m, 0x80))
            leaf := keccak256(0x00, 0x20)
        }
    }

    /// @dev The root a proof leads to, as OpenZeppelin's `MerkleProof.processProofCalldata` computes it (each pair
    /// hashed smaller word first), in a loop without bounds checks or calls: the ABI decoder has already checked
    /// that the whole array lies inside the calldata.
    function _processProof(bytes32 leaf, bytes32[] calldata proof) private pure returns (bytes32 node) {
        assembly ("memory-safe") {
            node := leaf
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                let sibling := calldataload(p)
                // lo = min(node, sibling), hi = max(node, sibling), without a branch.
                let lo := xor(node, mul(xor(node, sibling), lt(sibling, node)))
                mstore(0x00, lo)
                mstore(0x20, xor(xor(node, sibling), lo))
                node := keccak256(0x00, 0x40)
            }
        }
    }

    /// @dev Why a verified leaf cannot be paid (only reached on the way to a revert, so its reads cost nothing
    /// to a successful claim).
    function _refuseClaim(uint256 taskId, uint256 index, address account, uint256 record) private view {
        if (record != 0) revert WrongWorkerIndex(taskId, account, index, (record & RECORD_INDEX_MASK) - 1);
        if (index < _tasks[taskId].workerCount && _workers[taskId][index].account == account) {
            revert AlreadyClaimed(taskId, account);
        }
        revert NotAWorker(taskId, account);
    }
}
